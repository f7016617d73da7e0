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

import contextlib
import os
import resource
import signal
import sys
import warnings
from typing import Any

from codepolicy.sandbox import codec, jail, policy, safe_numpy, syscalls
from codepolicy.sandbox.audit import audit_hook
from codepolicy.sandbox.channel import (
    PRELUDE_FILENAME,
    PROGRAM_FILENAME,
    Channel,
    die,
    program_line,
    report_error,
)
from codepolicy.sandbox.namespace import build_globals
from codepolicy.sandbox.policy import EXIT_CPU, EXIT_JAIL, EXIT_MEMORY, EXIT_OK, EXIT_PROTOCOL


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


def _on_cpu_limit(channel: Channel) -> None:
    """At the soft CPU limit, report the program line that was running, then exit."""

    def handler(signum: int, frame: Any) -> None:
        with contextlib.suppress(Exception):
            channel.send({"type": "limit", "what": "cpu", "line": program_line(frame)})
        os._exit(EXIT_CPU)

    signal.signal(signal.SIGXCPU, handler)


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
    channel = Channel(proto_in, proto_out)
    channel.send({"type": "ready", "layers": layers})

    start = channel.receive()
    if start.get("type") != "start":
        die(EXIT_PROTOCOL)
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
        globs = build_globals(start, channel, facades)
    given = set(globs)
    try:
        prelude = compile(str(start.get("prelude") or ""), PRELUDE_FILENAME, "exec")
        code = compile(str(start["program"]), PROGRAM_FILENAME, "exec")
        carried = {str(k): codec.decode_value(v) for k, v in dict(start.get("carry") or {}).items()}
    except (SyntaxError, ValueError, codec.CodecError) as exc:
        report_error(channel, exc, "exception")
        os._exit(EXIT_OK)
    _apply_limits(start["limits"], vm_size)
    _on_cpu_limit(channel)
    if filt is not None:
        try:
            syscalls.load(filt)
        except Exception:
            os._exit(EXIT_JAIL)
    if not unrestricted:
        sys.addaudithook(audit_hook)
    try:
        globs.update(carried)
        exec(prelude, globs)
        exec(code, globs)
    except MemoryError as exc:
        try:
            report_error(channel, exc, "memory")
        except MemoryError:
            os._exit(EXIT_MEMORY)
    except RecursionError as exc:
        report_error(channel, exc, "recursion")
    except BaseException as exc:
        report_error(channel, exc, "exception")
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
