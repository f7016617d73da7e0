"""Static vetting: parse a program and refuse anything outside the safe subset of Python.

Every problem is reported at once, each with line, column, a stable ``code`` and the source line.
Vetting is the first of two walls: the worker also runs the program with curated builtins, import
facades, resource limits and an audit hook, so a program that slips past vetting still cannot reach
files, processes or the host.

Example:
    >>> from codepolicy.primitives.registry import Registry
    >>> reg = Registry()
    >>> @reg.primitive
    ... def grasp(ctx: object, name: str) -> None:
    ...     '''Grasp an object.'''
    >>> report = vet_program("grab('cube')", reg)
    >>> report.problems[0].message
    "unknown primitive 'grab'; did you mean 'grasp'?"
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Collection, Iterable

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import policy
from codepolicy.sandbox.vet_calls import CallVetter
from codepolicy.sandbox.vet_report import UndefinedFunction, VetProblem, VetReport, bound_names

__all__ = ["MAX_PROGRAM_CHARS", "UndefinedFunction", "VetProblem", "VetReport", "vet_program"]

MAX_PROGRAM_CHARS = 200_000
"""Longer programs are refused without parsing."""

_DUNDER_RE = re.compile(r"__\w+__")


class Vetter(CallVetter):
    """Walks a parsed program and records every problem (statements, names, attributes, calls)."""

    # -- statements ----------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name not in policy.ALLOWED_MODULES:
                self.problem(
                    node,
                    "forbidden_import",
                    f"import of '{alias.name}' is not allowed; "
                    f"allowed modules: {', '.join(sorted(policy.ALLOWED_MODULES))}",
                )
                continue
            if alias.asname:
                self.check_identifier(node, alias.asname, "alias")
            self.modules[alias.asname or alias.name] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        allowed_sub = {f"numpy.{sub}": names for sub, names in policy.NUMPY_SUBMODULES.items()}
        if node.level or (module not in policy.ALLOWED_MODULES and module not in allowed_sub):
            self.problem(node, "forbidden_import", f"import from '{module}' is not allowed")
            return
        available = policy.MODULE_NAMES.get(module) or frozenset(allowed_sub[module])
        for alias in node.names:
            if alias.name == "*":
                self.problem(node, "forbidden_import", "'from ... import *' is not allowed")
                continue
            if alias.name not in available:
                self.problem(
                    node,
                    "forbidden_import",
                    f"'{module}.{alias.name}' is not available in the sandbox",
                )
                continue
            if alias.asname:
                self.check_identifier(node, alias.asname, "alias")
            if module == "numpy" and alias.name in policy.NUMPY_SUBMODULES:
                self.modules[alias.asname or alias.name] = f"numpy.{alias.name}"

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.problem(
            node, "forbidden_statement", "class definitions are not allowed; use functions/dicts"
        )

    def visit_With(self, node: ast.With) -> None:
        self.problem(node, "forbidden_statement", "'with' statements are not allowed")
        self.generic_visit(node)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        self.problem(node, "forbidden_statement", "'async with' is not allowed")

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self.problem(node, "forbidden_statement", "'async for' is not allowed")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.problem(node, "forbidden_statement", "'async def' is not allowed")

    def visit_Await(self, node: ast.Await) -> None:
        self.problem(node, "forbidden_statement", "'await' is not allowed")

    def visit_Match(self, node: ast.Match) -> None:
        self.problem(node, "forbidden_statement", "'match' statements are not allowed")

    def visit_TryStar(self, node: ast.AST) -> None:
        self.problem(node, "forbidden_statement", "'except*' is not allowed")

    def _check_scope_decl(self, node: ast.Global | ast.Nonlocal, kind: str) -> None:
        for name in node.names:
            self.check_identifier(node, name, "name")
            if (
                name in self.registry
                or name in policy.SAFE_BUILTIN_NAMES
                or name in self.modules
                or hasattr(builtins, name)
            ):
                self.problem(
                    node,
                    "forbidden_statement",
                    f"'{kind} {name}' is not allowed: '{name}' is not a program variable",
                )

    def visit_Global(self, node: ast.Global) -> None:
        self._check_scope_decl(node, "global")

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self._check_scope_decl(node, "nonlocal")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.check_identifier(node, node.name, "function name")
        if node.name in self.registry:
            self.problem(
                node,
                "shadows_primitive",
                f"'{node.name}' is a primitive; give your function another name",
            )
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self.check_identifier(node, node.arg, "parameter")
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.check_identifier(node, node.name, "name")
        self.generic_visit(node)

    def visit_Module(self, node: ast.Module) -> None:
        for statement in node.body:
            # `if __name__ == "__main__":` at the top level is how models end a script; the worker
            # runs programs as __main__, so the guard is true and only its test is exempt.
            if isinstance(statement, ast.If) and is_main_guard(statement.test):
                for child in ast.walk(statement.test):
                    self._handled.add(id(child))
        self.generic_visit(node)

    # -- expressions ---------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if id(node) in self._handled and node.id == "__name__":
            return
        self.check_identifier(node, node.id, "name")
        if node.id in policy.BANNED_NAMES or node.id.startswith("_"):
            return
        if isinstance(node.ctx, ast.Store) and node.id in self.registry:
            self.problem(
                node, "shadows_primitive", f"'{node.id}' is a primitive; do not assign to it"
            )
        if (
            isinstance(node.ctx, ast.Load)
            and id(node) not in self._handled
            and not self.known(node.id)
        ):
            self.problem(node, "unknown_name", f"unknown name '{node.id}'")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.problem(
                node,
                "attribute_assignment",
                f"setting or deleting attribute '{attr}' is not allowed (objects are read-only)",
            )
        if attr.startswith("_"):
            self.problem(node, "underscore_attribute", f"attribute '{attr}' starts with '_'")
        elif attr in policy.BANNED_ATTRIBUTES:
            self.problem(node, "banned_attribute", f"attribute '{attr}' is not allowed")
        elif attr in policy.FORMAT_METHODS and id(node) not in self._handled:
            self.problem(
                node,
                "format_string",
                f"'.{attr}' may only be called directly on a string literal",
            )
        elif isinstance(node.value, ast.Name) and node.value.id in self.modules:
            module = self.modules[node.value.id]
            if module in ("numpy.linalg", "numpy.random"):
                names: Iterable[str] = policy.NUMPY_SUBMODULES[module.split(".")[1]]
            else:
                names = policy.MODULE_NAMES[module]
            if attr not in names:
                self.problem(
                    node, "module_attribute", f"'{module}.{attr}' is not available in the sandbox"
                )
        elif (
            isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name)
            and self.modules.get(node.value.value.id) == "numpy"
            and node.value.attr in policy.NUMPY_SUBMODULES
            and attr not in policy.NUMPY_SUBMODULES[node.value.attr]
        ):
            self.problem(
                node,
                "module_attribute",
                f"'numpy.{node.value.attr}.{attr}' is not available in the sandbox",
            )
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if id(node) in self._handled and node.value == "__main__":
            return
        value = node.value
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if isinstance(text, str) and _DUNDER_RE.search(text):
            self.problem(node, "dunder_string", "string literals may not name dunder attributes")

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None:
            self.check_identifier(node, node.arg, "keyword")
            if node.arg in policy.BANNED_KEYWORDS:
                self.problem(
                    node, "banned_keyword", f"keyword argument '{node.arg}=' is not allowed"
                )
        self.generic_visit(node)


def is_main_guard(test: ast.expr) -> bool:
    """Whether ``test`` is ``__name__ == "__main__"`` (either way round)."""
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(mains) == 1


def vet_program(
    source: str,
    registry: Registry,
    *,
    allow_undefined: bool = False,
    defined: Collection[str] = (),
) -> VetReport:
    """Vet ``source`` against ``registry``; never raises for any input string.

    Args:
        source: The program text.
        registry: The primitives the program may call.
        allow_undefined: If true, calls to unknown functions are listed in
            ``undefined_functions`` but are not problems (for hierarchical code generation).
        defined: Names defined before the program runs (functions an earlier program of the
            same session defined).

    Returns:
        A :class:`VetReport`; ``ok`` is true only if there are no problems.
    """
    if len(source) > MAX_PROGRAM_CHARS:
        problem = VetProblem(
            line=0,
            col=0,
            code="too_long",
            message=f"program longer than {MAX_PROGRAM_CHARS} characters",
        )
        return VetReport(ok=False, problems=[problem])
    try:
        tree = ast.parse(source, filename="<program>", mode="exec")
    except SyntaxError as exc:
        line = exc.lineno or 0
        lines = source.splitlines()
        src = lines[line - 1] if 0 < line <= len(lines) else (exc.text or "")
        problem = VetProblem(
            line=line,
            col=exc.offset or 0,
            code="syntax_error",
            message=f"syntax error: {exc.msg}",
            source_line=src.rstrip("\n"),
        )
        return VetReport(ok=False, problems=[problem])
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        problem = VetProblem(line=0, col=0, code="syntax_error", message=f"cannot parse: {exc}")
        return VetReport(ok=False, problems=[problem])

    vetter = Vetter(source, registry, allow_undefined)
    try:
        vetter.bound, vetter.funcs = bound_names(tree)
        vetter.bound |= set(defined)
        # First pass for imports so that module aliases are known wherever they are used.
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in policy.ALLOWED_MODULES:
                        vetter.modules[alias.asname or alias.name] = alias.name
        vetter.visit(tree)
    except RecursionError:
        vetter.problem(None, "too_deep", "program is nested too deeply")
    problems = sorted(set(vetter.problems), key=lambda p: (p.line, p.col, p.code, p.message))
    return VetReport(
        ok=not problems,
        problems=problems,
        undefined_functions=list(vetter.undefined.values()),
        defined_functions=sorted(vetter.funcs),
        primitives_used=sorted(set(vetter.primitives_used)),
    )
