"""What a program may use: allow and deny lists shared by static vetting and the worker.

This module is deliberately free of heavy imports (no pydantic, no numpy): the worker process
imports it at start-up, and start-up time matters. The limits live in :mod:`.limits`.

Design decisions (documented here because vetting and the worker must agree):

* Imports: only ``math``, ``numpy`` (as the safe facade, usually ``import numpy as np``) and
  ``random`` (a seeded generator object, not the real module). ``from math import sqrt`` works
  for public names of those facades.
* ``np`` and ``math`` are also pre-bound, because model-written code often uses them unimported.
* No name, attribute, keyword, parameter or alias may start with ``_``; no string literal may
  contain a dunder identifier such as ``"__class__"``.
* No ``class`` definitions (use functions, dicts and tuples), no ``with``, no ``async``/``await``,
  no ``match``. Generators (``yield``) and ``lambda`` are allowed; generator, frame, traceback and
  code internals (``gi_frame``, ``f_globals``, ``tb_frame``, ``co_code``...) are banned attributes.
* ``global``/``nonlocal`` may only name the program's own variables, never a primitive, a builtin
  or a module alias.
* ``type(x)`` with one argument is allowed; the worker's ``type`` refuses to hand out metaclasses.
* ``str.format``/``format_map`` only as a method call on a string literal whose fields are plain
  (no ``.attribute`` or ``[index]`` paths).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROTOCOL = 70
"""Worker exit code: the host sent something the worker did not expect."""
EXIT_MEMORY = 71
"""Worker exit code: out of memory while reporting a MemoryError."""
EXIT_CPU = 72
"""Worker exit code: the soft CPU limit was reached (after reporting the line)."""
EXIT_JAIL = 73
"""Worker exit code: the seccomp filter could not be installed."""
JAIL_ENV = "CODEPOLICY_SANDBOX_JAIL"
"""Worker environment variable: ``0`` starts workers without the OS jail (benchmarks only)."""
TESTING_ENV = "CODEPOLICY_SANDBOX_TESTING"
"""Worker environment variable: ``1`` enables the test-only unrestricted mode (escape tests)."""

ALLOWED_MODULES: frozenset[str] = frozenset({"math", "numpy", "random"})
"""Modules a program may import; each is a facade built by the worker."""

PRELOADED_NAMES: dict[str, str] = {"np": "numpy", "math": "math"}
"""Names bound in a program's globals before it runs (name -> module)."""

SAFE_EXCEPTION_NAMES: tuple[str, ...] = (
    "Exception",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "IndexError",
    "KeyError",
    "LookupError",
    "NameError",
    "NotImplementedError",
    "OverflowError",
    "RuntimeError",
    "StopIteration",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
)
"""Built-in exception classes a program may name (raise or catch)."""

PRIMITIVE_ERROR_NAMES: tuple[str, ...] = (
    "PrimitiveError",
    "InvalidArgument",
    "UnknownObject",
    "UnknownLocation",
    "OutOfWorkspace",
    "Unreachable",
    "GraspMissed",
    "ObjectDropped",
    "CollisionError",
    "NotHolding",
    "AlreadyHolding",
    "ModelRequired",
    "HelperFailed",
)
"""Names of the catchable primitive errors (``codepolicy.primitives.errors.CATCHABLE_ERRORS``)."""

SAFE_BUILTIN_FUNCTIONS: tuple[str, ...] = (
    "abs",
    "all",
    "any",
    "bool",
    "callable",
    "chr",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "format",
    "frozenset",
    "hash",
    "int",
    "isinstance",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "ord",
    "pow",
    "print",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "slice",
    "sorted",
    "str",
    "sum",
    "tuple",
    "type",
    "zip",
)
"""Built-in functions and types a program may use (the worker supplies safe versions)."""

SAFE_CONSTANTS: tuple[str, ...] = ("True", "False", "None")

SHAPELY_GEOMETRY_NAMES: tuple[str, ...] = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "LinearRing",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "box",
)
"""Shapely geometry constructors bound in every program (Code as Policies' shape code calls them
unqualified, as its prompts import ``*`` from ``shapely.geometry``)."""
SHAPELY_AFFINITY_NAMES: tuple[str, ...] = (
    "affine_transform",
    "rotate",
    "scale",
    "skew",
    "translate",
)
"""Shapely's affine transforms, bound unqualified and as ``affinity.<name>``."""
SHAPE_NAMES: tuple[str, ...] = (*SHAPELY_GEOMETRY_NAMES, *SHAPELY_AFFINITY_NAMES, "affinity")
"""Every shape name a program may use without importing it."""

SAFE_BUILTIN_NAMES: frozenset[str] = frozenset(
    SAFE_BUILTIN_FUNCTIONS
    + SAFE_EXCEPTION_NAMES
    + PRIMITIVE_ERROR_NAMES
    + SAFE_CONSTANTS
    + SHAPE_NAMES
)
"""Every name a program may use without defining it (besides primitives and preloaded modules)."""

BANNED_NAMES: frozenset[str] = frozenset(
    {
        "exec",
        "eval",
        "compile",
        "open",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "globals",
        "locals",
        "vars",
        "dir",
        "input",
        "breakpoint",
        "help",
        "memoryview",
        "super",
        "object",
        "classmethod",
        "staticmethod",
        "property",
        "exit",
        "quit",
        "bytearray",
        "bytes",
        "id",
        "issubclass",
        "license",
        "copyright",
        "credits",
        "BaseException",
        "SystemExit",
        "KeyboardInterrupt",
        "GeneratorExit",
        "MemoryError",
        "RecursionError",
        "ProgramHalt",
        "SafetyStop",
        "BudgetExceeded",
        "aiter",
        "anext",
    }
)
"""Names that are always refused, with a specific message (they are also absent at run time)."""

BANNED_ATTRIBUTES: frozenset[str] = frozenset(
    {
        # frames, code objects, generators, coroutines, tracebacks, functions
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "gi_running",
        "gi_suspended",
        "cr_frame",
        "cr_code",
        "cr_await",
        "cr_origin",
        "cr_running",
        "ag_frame",
        "ag_code",
        "ag_await",
        "ag_running",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "f_trace",
        "f_lasti",
        "f_lineno",
        "tb_frame",
        "tb_next",
        "tb_lasti",
        "tb_lineno",
        "co_code",
        "co_consts",
        "co_names",
        "co_varnames",
        "co_filename",
        "co_name",
        "co_firstlineno",
        "co_lnotab",
        "co_linetable",
        "co_exceptiontable",
        "func_globals",
        "func_code",
        "func_closure",
        "func_defaults",
        "cell_contents",
        "im_func",
        "im_self",
        "mro",
        "with_traceback",
        "gi_await",
        # numpy escape hatches and file I/O
        "ctypes",
        "ctypeslib",
        "tofile",
        "fromfile",
        "memmap",
        "load",
        "loads",
        "save",
        "savez",
        "savez_compressed",
        "savetxt",
        "loadtxt",
        "genfromtxt",
        "fromregex",
        "lib",
        "f2py",
        "testing",
        "distutils",
        "DataSource",
        "dump",
        "dumps",
        "frombuffer",
        "fromstring",
        "setflags",
        "open_memmap",
        "byte_bounds",
        "show_config",
        "show_runtime",
        "get_include",
        # numpy internals: memory layout, raw buffers, views over other memory
        "strides",
        "flags",
        "data",
        "base",
        "view",
        "itemset",
        "newbyteorder",
        "getfield",
        "setfield",
        "resize",
        "byteswap",
        "as_strided",
        "from_dlpack",
        # common module-level escapes (defence in depth: these modules are not importable)
        "system",
        "popen",
        "spawn",
        "fork",
        "builtins",
    }
)
"""Attribute names that are refused on any object, whatever its type."""

BANNED_KEYWORDS: frozenset[str] = frozenset({"buffer", "strides", "offset", "like"})
"""Keyword arguments refused in any call (numpy constructors over raw memory or other types)."""

FORMAT_METHODS: frozenset[str] = frozenset({"format", "format_map"})
"""String methods whose format fields could walk attributes; checked specially."""

NUMPY_FUNCTIONS: tuple[str, ...] = (
    "abs", "absolute", "add", "all", "allclose", "any", "append", "arange", "arccos", "arcsin",
    "arctan", "arctan2", "argmax", "argmin", "argsort", "around", "array", "array_equal", "asarray",
    "atleast_1d", "atleast_2d", "ceil", "clip", "column_stack", "concatenate", "copy", "cos",
    "cosh", "cross", "cumprod", "cumsum", "deg2rad", "degrees", "diag", "diff", "divide", "dot",
    "empty", "equal", "exp", "expand_dims", "eye", "flip", "floor", "full", "full_like", "hstack",
    "hypot", "identity", "isclose", "isfinite", "isinf", "isnan", "linspace", "log", "log10",
    "log2", "matmul", "max", "maximum", "mean", "median", "meshgrid", "min", "minimum", "mod",
    "multiply", "nan_to_num", "nanmax", "nanmean", "nanmin", "nonzero", "ones", "ones_like",
    "outer", "percentile", "power", "prod", "ptp", "rad2deg", "radians", "ravel", "repeat",
    "reshape", "round", "sign", "sin", "sinh", "sort", "split", "sqrt", "square", "squeeze",
    "stack", "std", "subtract", "sum", "tan", "tanh", "tile", "transpose", "unique", "unwrap",
    "var", "vstack", "where", "zeros", "zeros_like", "argwhere", "count_nonzero", "interp",
    "polyfit", "polyval", "trace", "tensordot", "einsum", "inner", "vdot", "histogram",
    "searchsorted", "roll", "rot90", "fliplr", "flipud", "logical_and", "logical_or",
    "logical_not", "greater", "less", "floor_divide", "negative", "reciprocal", "rint", "trunc",
    "fabs", "fmod", "average", "cumulative_sum", "broadcast_to", "take", "argpartition",
    "partition", "isscalar", "ndim", "shape", "size",
)  # fmt: skip
"""Numpy functions the facade exposes (the real functions; none does file or memory I/O)."""

NUMPY_TYPES: tuple[str, ...] = (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "bool_", "ndarray", "integer", "floating", "number",
)  # fmt: skip
"""Numpy scalar and array types the facade exposes (for ``dtype=`` and ``isinstance``)."""

NUMPY_CONSTANTS: tuple[str, ...] = ("pi", "e", "inf", "nan", "newaxis")

NUMPY_LINALG: tuple[str, ...] = (
    "norm", "inv", "pinv", "det", "solve", "lstsq", "eig", "eigh", "svd", "qr", "matrix_rank",
    "cholesky",
)  # fmt: skip

NUMPY_RANDOM: tuple[str, ...] = (
    "random", "rand", "randn", "randint", "uniform", "normal", "choice", "shuffle", "permutation",
    "integers",
)  # fmt: skip
"""Functions of ``np.random`` (backed by a generator seeded with the session's seed)."""

NUMPY_SUBMODULES: dict[str, tuple[str, ...]] = {"linalg": NUMPY_LINALG, "random": NUMPY_RANDOM}

NUMPY_NAMES: frozenset[str] = frozenset(
    NUMPY_FUNCTIONS + NUMPY_TYPES + NUMPY_CONSTANTS + tuple(NUMPY_SUBMODULES)
)

MATH_NAMES: frozenset[str] = frozenset(
    {
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "comb", "copysign",
        "cos", "cosh", "degrees", "dist", "e", "erf", "exp", "fabs", "factorial", "floor", "fmod",
        "fsum", "gcd", "hypot", "inf", "isclose", "isfinite", "isinf", "isnan", "lcm", "log",
        "log10", "log2", "nan", "perm", "pi", "pow", "prod", "radians", "remainder", "sin", "sinh",
        "sqrt", "tan", "tanh", "tau", "trunc",
    }
)  # fmt: skip

RANDOM_NAMES: frozenset[str] = frozenset(
    {
        "random", "uniform", "randint", "randrange", "choice", "choices", "shuffle", "sample",
        "gauss", "normalvariate", "triangular",
    }
)  # fmt: skip
"""Methods of the seeded ``random`` stand-in."""

MODULE_NAMES: dict[str, frozenset[str]] = {
    "math": MATH_NAMES,
    "numpy": NUMPY_NAMES,
    "random": RANDOM_NAMES,
}
"""Public names of each importable facade."""

OUTPUT_PRIMITIVES: tuple[str, ...] = ("say",)
"""Primitives whose string arguments count toward the output cap and appear in the output."""
