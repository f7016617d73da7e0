"""The worker process: runs one vetted program against primitive stubs, then exits.

Started by the host as ``python -I -m codepolicy.sandbox.worker`` in an empty temporary directory
with a minimal environment. Protocol: newline-delimited JSON, host -> worker on stdin, worker ->
host on (a duplicate of) stdout; fd 1 itself is pointed at stderr so stray writes cannot forge
messages.

Sequence: import numpy and build the facades, send ``ready``; wait for ``start``; apply resource
limits, install an audit hook that blocks files, processes, sockets, imports, ``ctypes`` and further
``exec``; run the program with curated builtins. Each primitive call sends ``call`` and blocks for
``return``/``raise``. At the end send ``done`` or ``error`` and ``os._exit``.

Nothing here is trusted by the host: every message is re-validated on the other side.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import re
import resource
import signal
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from codepolicy.primitives.errors import CATCHABLE_ERRORS, PrimitiveError
from codepolicy.sandbox import codec, jail, policy, safe_numpy, syscalls

PROGRAM_FILENAME = "<program>"
PRELUDE_FILENAME = "<session>"
"""Definitions carried over from earlier programs of a session run under their own file name, so
line numbers in the feedback stay those of the current program."""
EXIT_OK = policy.EXIT_OK
EXIT_PROTOCOL = policy.EXIT_PROTOCOL
EXIT_MEMORY = policy.EXIT_MEMORY
EXIT_CPU = policy.EXIT_CPU
EXIT_JAIL = policy.EXIT_JAIL


class _Channel:
    """Newline-delimited JSON over two file descriptors."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._in = os.fdopen(read_fd, "rb", buffering=65536)
        self._out = write_fd

    def send(self, msg: dict[str, Any]) -> None:
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(self._out, view)
            view = view[n:]

    def receive(self) -> dict[str, Any]:
        line = self._in.readline()
        if not line:
            os._exit(EXIT_OK)  # host went away
        msg = json.loads(line)
        if not isinstance(msg, dict):
            _die(EXIT_PROTOCOL)
        return msg


def _die(code: int) -> NoReturn:
    os._exit(code)


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    """Blocks files, processes, sockets, ctypes, imports, compilation... once installed.

    Installed only after the program is compiled, so it needs no state: it reads no globals, has no
    closure or defaults, and its constants live in its (immutable) code object. Replacing its code
    or defaults is itself an audited (blocked) event, so a program that escapes the first wall
    cannot switch it off. ``sys._getframe`` (used by the primitive stubs) and ``exec`` of existing
    code objects stay allowed; ``compile``, ``code.__new__`` and ``marshal`` (new code) do not.
    """
    if event == "sys._getframe" or event == "exec" or event == "builtins.id":
        return
    if event.startswith(
        (
            "open",
            "os.",
            "subprocess.",
            "socket.",
            "ctypes.",
            "import",
            "compile",
            "code.",
            "function.",
            "sys.",
            "marshal.",
            "pickle.",
            "shutil.",
            "mmap.",
            "glob.",
            "tempfile.",
            "fcntl.",
            "pty.",
            "resource.",
            "signal.",
            "urllib.",
            "http.",
            "ftplib.",
            "smtplib.",
            "poplib.",
            "imaplib.",
            "nntplib.",
            "telnetlib.",
            "webbrowser.",
            "builtins.input",
            "cpython.",
            "gc.",
            "object.__setattr__",
            "object.__delattr__",
            "syslog.",
            "sqlite3.",
            "setopencode",
            "_posixsubprocess",
            "_thread",
            "threading.",
            "time.sleep",
            "winreg.",
            "msvcrt.",
            "array.",
            "faulthandler.",
            "tracemalloc.",
            "ssl.",
            "select.",
        )
    ):
        raise RuntimeError(f"operation '{event}' is not allowed in the sandbox")


class _Output:
    """The program's ``print``: sends text to the host, capped."""

    def __init__(self, channel: _Channel, cap: int) -> None:
        self.channel = channel
        self.cap = cap
        self.used = 0

    def print(self, *args: Any, sep: str | None = " ", end: str | None = "\n") -> None:
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise TypeError("sep and end must be strings")
        text = scrub(sep.join(str(a) for a in args) + end)
        remaining = self.cap - self.used
        if len(text) > remaining:
            self.channel.send({"type": "print", "text": text[: remaining + 1]})
            self.channel.send({"type": "limit", "what": "output"})
            os._exit(EXIT_OK)
        self.used += len(text)
        self.channel.send({"type": "print", "text": text})


_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{6,}")
_HASHABLE_PLAIN = (int, float, complex, str, bool, type(None))


def scrub(text: str) -> str:
    """``text`` without memory addresses (``<function f at 0x7f...>`` -> ``at 0x…``)."""
    return _ADDRESS_RE.sub("0x…", text)


def _safe_repr(obj: Any) -> str:
    return scrub(repr(obj))


def _safe_format(obj: Any, spec: str = "") -> str:
    return scrub(format(obj, spec))


def _safe_hash(obj: Any) -> int:
    """``hash`` of plain values only: the hash of a function or object is its address."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | frozenset):
            stack.extend(item)
        elif not isinstance(item, _HASHABLE_PLAIN):
            raise TypeError("hash() is only available for numbers, strings and tuples of them")
    return hash(obj)


def _safe_type(obj: Any, *rest: Any) -> type:
    """``type(x)`` without the three-argument form and without handing out metaclasses."""
    if rest:
        raise TypeError("only the one-argument form type(x) is available in the sandbox")
    cls = type(obj)
    if issubclass(cls, type):
        raise TypeError("type() of a class is not available in the sandbox")
    if cls is safe_numpy.REAL_NDARRAY:
        return safe_numpy.ndarray
    return cls


def _program_line(frame: Any) -> int | None:
    for _ in range(64):
        if frame is None:
            return None
        if frame.f_code.co_filename == PROGRAM_FILENAME:
            return int(frame.f_lineno)
        frame = frame.f_back
    return None


def _make_stub(
    name: str, channel: _Channel, errors: Mapping[str, type[Exception]]
) -> Callable[..., Any]:
    def stub(*args: Any, **kwargs: Any) -> Any:
        try:
            enc_args = [codec.encode_value(a) for a in args]
            enc_kwargs = {k: codec.encode_value(v) for k, v in kwargs.items()}
            codec.check_size([enc_args, enc_kwargs], codec.Budget(codec.MAX_CALL_ELEMENTS))
        except codec.CodecError as exc:
            raise errors["invalid_argument"](f"{name}(): {exc}") from None
        line = _program_line(sys._getframe(1))
        channel.send(
            {"type": "call", "name": name, "args": enc_args, "kwargs": enc_kwargs, "line": line}
        )
        reply = channel.receive()
        kind = reply.get("type")
        if kind == "return":
            return codec.decode_value(reply.get("value"))
        if kind == "raise":
            cls = errors.get(str(reply.get("code")), PrimitiveError)
            raise cls(str(reply.get("message", "")))
        _die(EXIT_PROTOCOL)

    stub.__name__ = stub.__qualname__ = name
    return stub


def _build_globals(
    start: dict[str, Any], channel: _Channel, facades: dict[str, Any]
) -> dict[str, Any]:
    output = _Output(channel, int(start["limits"]["max_output_bytes"]))
    safe: dict[str, Any] = {
        name: getattr(builtins, name)
        for name in policy.SAFE_BUILTIN_FUNCTIONS + policy.SAFE_EXCEPTION_NAMES
        if name not in ("print", "type")
    }
    safe["print"] = output.print
    safe["type"] = _safe_type
    safe["repr"] = _safe_repr
    safe["format"] = _safe_format
    safe["hash"] = _safe_hash
    for cls in CATCHABLE_ERRORS:
        safe[cls.__name__] = cls

    def safe_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        if level != 0:
            raise ImportError("relative imports are not allowed")
        if name in facades:
            return facades[name]
        if name in ("numpy.linalg", "numpy.random") and fromlist:
            return getattr(facades["numpy"], name.split(".")[1])
        raise ImportError(f"import of '{name}' is not allowed in the sandbox")

    safe["__import__"] = safe_import
    errors = {cls.code: cls for cls in CATCHABLE_ERRORS}
    globs: dict[str, Any] = {"__builtins__": safe, "__name__": "__main__"}
    for alias, module in policy.PRELOADED_NAMES.items():
        globs[alias] = facades[module]
    globs.update(safe_numpy.make_shapes())
    for name in start["primitives"]:
        globs[name] = _make_stub(str(name), channel, errors)
    return globs


def _vm_size() -> int:
    """The address space in use now (read before the jail hides /proc)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _apply_limits(limits: dict[str, Any], vm_size: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_used = int(usage.ru_utime + usage.ru_stime) + 1
    cpu = cpu_used + int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    mem = max(int(limits["memory_mb"]) * 1024 * 1024, vm_size + 64 * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nofile = int(limits["max_open_files"])
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    with contextlib.suppress(ValueError, OSError):  # no effect for root; defence in depth
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    sys.setrecursionlimit(int(limits["recursion_limit"]) + 50)


def _on_cpu_limit(channel: _Channel) -> None:
    """At the soft CPU limit, report the program line that was running, then exit."""

    def handler(signum: int, frame: Any) -> None:
        with contextlib.suppress(Exception):
            channel.send({"type": "limit", "what": "cpu", "line": _program_line(frame)})
        os._exit(EXIT_CPU)

    signal.signal(signal.SIGXCPU, handler)


def _trace(tb: Any) -> list[list[Any]]:
    frames: list[list[Any]] = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == PROGRAM_FILENAME:
            frames.append([int(tb.tb_lineno), str(code.co_name)[:100]])
        tb = tb.tb_next
    return frames[-20:]


def _report(channel: _Channel, exc: BaseException, category: str) -> None:
    try:
        message = scrub(str(exc)[:2000])
    except Exception:
        message = "<unprintable>"
    trace = _trace(exc.__traceback__)
    channel.send(
        {
            "type": "error",
            "exc_type": type(exc).__name__[:100],
            "message": message,
            "line": trace[-1][0] if trace else None,
            "trace": trace,
            "category": category,
        }
    )


def preload() -> None:
    """Import and warm up everything a worker needs (the fork server calls this once)."""
    jail.preload()
    if os.environ.get(policy.TESTING_ENV) == "1":
        from codepolicy.sandbox import escape

        escape.preload()
    safe_numpy.warm_up(safe_numpy.make_numpy(0))
    safe_numpy.make_shapes()  # import shapely while files can still be read


def _enter_jail(proto_fds: tuple[int, int]) -> tuple[jail.Layers, Any]:
    """Enter the OS jail; returns the layers and the seccomp filter to load before the program."""
    if os.environ.get(policy.JAIL_ENV) == "0":
        return jail.unavailable("switched off by the host (jail=False)"), None
    layers = jail.enter(os.getcwd())
    expected = {0, 1, 2, *proto_fds}
    extra = sorted(set(jail.open_fds()) - expected)
    for fd in extra:
        with contextlib.suppress(OSError):
            os.close(fd)
    layers["fds"] = (True, "only the protocol pipes and stderr are open")
    filt = None
    try:
        filt = syscalls.for_pid(os.getpid())
        layers["seccomp"] = (True, "system-call allowlist, loaded after start-up")
    except ImportError:
        layers["seccomp"] = (False, "the 'pyseccomp' package is not installed")
    except Exception as exc:
        layers["seccomp"] = (False, f"{type(exc).__name__}: {exc}"[:200])
    layers["rlimits"] = (True, "CPU, address space, file size 0, no core, open files, processes")
    return layers, filt


def main() -> None:
    """Worker entry point."""
    proto_out = os.dup(1)
    proto_in = os.dup(0)
    os.dup2(2, 1)  # stray writes to fd 1 go to stderr, never into the protocol
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    jail.preload()
    if os.environ.get(policy.TESTING_ENV) == "1":
        from codepolicy.sandbox import escape

        escape.preload()
    warnings.simplefilter("ignore")
    np_facade = safe_numpy.make_numpy(0)
    safe_numpy.warm_up(np_facade)
    safe_numpy.make_shapes()
    vm_size = _vm_size()
    layers, filt = _enter_jail((proto_in, proto_out))
    channel = _Channel(proto_in, proto_out)
    channel.send({"type": "ready", "layers": layers})

    start = channel.receive()
    if start.get("type") != "start":
        _die(EXIT_PROTOCOL)
    seed = int(start["seed"])
    facades = {
        "numpy": safe_numpy.make_numpy(seed),
        "math": safe_numpy.make_math(),
        "random": safe_numpy.make_random(seed),
    }
    unrestricted = bool(start.get("unrestricted")) and os.environ.get(policy.TESTING_ENV) == "1"
    if unrestricted:
        from codepolicy.sandbox import escape

        globs = escape.unrestricted_globals(channel.send)
    else:
        globs = _build_globals(start, channel, facades)
    given = set(globs)
    try:
        prelude = compile(str(start.get("prelude") or ""), PRELUDE_FILENAME, "exec")
        code = compile(str(start["program"]), PROGRAM_FILENAME, "exec")
        carried = {str(k): codec.decode_value(v) for k, v in dict(start.get("carry") or {}).items()}
    except (SyntaxError, ValueError, codec.CodecError) as exc:
        _report(channel, exc, "exception")
        os._exit(EXIT_OK)
    _apply_limits(start["limits"], vm_size)
    _on_cpu_limit(channel)
    if filt is not None:
        try:
            syscalls.load(filt)
        except Exception:
            os._exit(EXIT_JAIL)
    if not unrestricted:
        sys.addaudithook(_audit_hook)
    try:
        globs.update(carried)
        exec(prelude, globs)
        exec(code, globs)
    except MemoryError as exc:
        try:
            _report(channel, exc, "memory")
        except MemoryError:
            os._exit(EXIT_MEMORY)
    except RecursionError as exc:
        _report(channel, exc, "recursion")
    except BaseException as exc:
        _report(channel, exc, "exception")
    else:
        done: dict[str, Any] = {"type": "done"}
        if start.get("keep"):
            done["kept"] = _kept(globs, given)
        channel.send(done)
    os._exit(EXIT_OK)


def _kept(globs: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """The program's own variables that can cross the protocol (a session keeps them for the
    next program); functions and anything the codec refuses stay behind."""
    kept: dict[str, Any] = {}
    for name, value in globs.items():
        if name in given or name.startswith("_") or callable(value):
            continue
        try:
            encoded = codec.encode_value(value)
            codec.check_size([kept, encoded])
        except (codec.CodecError, RecursionError, MemoryError):
            continue
        kept[name] = encoded
    return kept


if __name__ == "__main__":
    main()
