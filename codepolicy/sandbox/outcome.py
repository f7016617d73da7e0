"""How a sandboxed run ended, in words: the status and :class:`ProgramError` for each way out.

:class:`~codepolicy.sandbox.session.Session` drives the worker; this module only names what went
wrong (a limit, a timeout, an exception the program raised, a worker that died) and assembles the
final :class:`ExecutionResult`. Every function here is pure apart from :func:`assemble_result`,
which reads (and if needed kills) the worker.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from codepolicy.sandbox.layers import jail_gaps, warn_once
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.policy import EXIT_CPU, EXIT_JAIL, EXIT_MEMORY
from codepolicy.sandbox.pool import WorkerProcess
from codepolicy.sandbox.protocol import ErrorMsg
from codepolicy.sandbox.result import (
    CallEvent,
    ErrorKind,
    ExecutionResult,
    ProgramError,
    Status,
)
from codepolicy.sandbox.vet_report import VetReport

Source = tuple[int | None, str]
"""A program line number (None when unknown) and its text."""


def classify_exit(
    code: int | None, limits: SandboxLimits | None = None
) -> tuple[Status, ErrorKind, str]:
    """Status, kind and message for a worker that ended without a final message."""
    lim = limits or SandboxLimits()
    cpu = f"CPU time limit of {lim.cpu_seconds} s (cpu_seconds)"
    mem = f"memory limit of {lim.memory_mb} MB (memory_mb)"
    sig = -code if code is not None and code < 0 else None
    if sig == signal.SIGXCPU or code == EXIT_CPU:
        kind, status, what = ErrorKind.cpu, Status.resource_limit, f"{cpu} reached"
    elif sig == signal.SIGKILL:
        kind, status = ErrorKind.cpu, Status.resource_limit
        what = f"worker killed: the hard {cpu} plus 1 s, or the {mem}, was reached"
    elif sig == signal.SIGXFSZ:
        kind, status, what = ErrorKind.file_size, Status.resource_limit, "file size limit (0 bytes)"
    elif sig == signal.SIGSYS:
        kind, status = ErrorKind.sandbox_violation, Status.error
        what = "worker killed by the jail: the program made a forbidden system call (seccomp)"
    elif code == EXIT_JAIL:
        kind, status = ErrorKind.sandbox_violation, Status.error
        what = "the worker could not install its system-call filter; the program did not run"
    elif code == EXIT_MEMORY:
        kind, status, what = ErrorKind.memory, Status.resource_limit, f"out of memory ({mem})"
    else:
        kind, status = ErrorKind.worker_crash, Status.error
        what = f"worker exited unexpectedly (code {code})"
    return status, kind, what


def dead_worker(
    code: int | None, limits: SandboxLimits, last_line: int | None
) -> tuple[Status, ProgramError]:
    """A worker that exited (or was killed) without a final message, with the last call's line."""
    status, kind, what = classify_exit(code, limits)
    if last_line is not None and kind is not ErrorKind.worker_crash:
        what += f" (the last primitive call was on line {last_line})"
    return status, ProgramError(kind=kind, message=what)


def jail_refusal(layers: dict[str, tuple[bool, str]], require: bool) -> ProgramError | None:
    """Why the run may not start when ``require`` is set and jail layers are off (else None).

    Missing layers that are not required only produce one warning line.
    """
    missing = jail_gaps(layers)
    if not missing:
        return None
    if require:
        return ProgramError(
            kind=ErrorKind.jail_unavailable,
            message="require_jail is set and these jail layers are off: " + "; ".join(missing),
        )
    warn_once(missing, stacklevel=4)  # attributed to the Session.step() call, as before
    return None


def aborted() -> ProgramError:
    """The host stopped the run."""
    return ProgramError(kind=ErrorKind.aborted)


def output_limit(limits: SandboxLimits) -> ProgramError:
    """The program printed (or said) more than ``max_output_bytes``."""
    return ProgramError(
        kind=ErrorKind.output,
        message=f"output limit of {limits.max_output_bytes} characters exceeded",
    )


def wall_timeout(limits: SandboxLimits) -> ProgramError:
    """The program ran longer than ``wall_seconds``."""
    return ProgramError(
        kind=ErrorKind.timeout, message=f"program ran longer than {limits.wall_seconds:g} s"
    )


def call_limit(limits: SandboxLimits, event: CallEvent) -> ProgramError:
    """The program made more than ``max_calls`` primitive calls; ``event`` is the one too many."""
    return ProgramError(
        kind=ErrorKind.call_limit,
        message=f"more than {limits.max_calls} primitive calls",
        line=event.line,
        source_line=event.source_line,
    )


def validation_timeout(limits: SandboxLimits, event: CallEvent, seconds: float) -> ProgramError:
    """Checking the arguments of ``event`` took ``seconds``, over the call or wall budget."""
    return ProgramError(
        kind=ErrorKind.timeout,
        message=f"checking the arguments of call {event.index + 1} "
        f"({event.primitive}) took {seconds:.1f} s (call_seconds "
        f"{limits.call_seconds:g} s, wall_seconds {limits.wall_seconds:g} s)",
        line=event.line,
        source_line=event.source_line,
    )


def cpu_limit(limits: SandboxLimits, source: Source) -> ProgramError:
    """The worker reported its soft CPU limit while ``source`` was running."""
    line, text = source
    where = f" while line {line} was running" if line is not None else ""
    return ProgramError(
        kind=ErrorKind.cpu,
        message=f"CPU time limit of {limits.cpu_seconds} s (cpu_seconds) reached{where}",
        line=line,
        source_line=text,
    )


def reported_error(
    msg: ErrorMsg, limits: SandboxLimits, source: Source, trace: list[tuple[int, str]]
) -> tuple[Status, ProgramError]:
    """The exception the worker reported; ``trace`` holds only frames of the program itself."""
    kind = {"memory": ErrorKind.memory, "recursion": ErrorKind.recursion}.get(
        msg.category, ErrorKind.exception
    )
    status = Status.error if kind is ErrorKind.exception else Status.resource_limit
    message = msg.message
    if kind is ErrorKind.memory:
        message = f"memory limit of {limits.memory_mb} MB (memory_mb, address space) reached" + (
            f": {message}" if message else ""
        )
    line, text = source
    return status, ProgramError(
        kind=kind, type=msg.exc_type, message=message, line=line, source_line=text, trace=trace
    )


def assemble_result(
    status: Status,
    error: ProgramError | None,
    *,
    worker: WorkerProcess | None,
    events: list[CallEvent],
    output: str,
    truncated: bool,
    vet: VetReport | None,
    started_at: float | None,
    program_time: float,
    jail: dict[str, tuple[bool, str]],
    kept: dict[str, Any],
) -> ExecutionResult:
    """The final result; a worker that did not complete is killed and its leftovers are read."""
    returncode: int | None = None
    stderr = ""
    files: list[str] = []
    if worker is not None:
        if status is not Status.completed:
            worker.kill()
        returncode = worker.wait(2.0)
        stderr = bytes(worker.stderr).decode("utf-8", "replace")[-4000:]
        files = worker.tmpdir_entries()[:100]
    wall = time.perf_counter() - started_at if started_at else 0.0
    return ExecutionResult(
        status=status,
        events=list(events),
        n_calls=len(events),
        output=output,
        output_truncated=truncated,
        error=error,
        vet=vet,
        wall_time=wall,
        program_time=program_time,
        sim_time=sum(e.sim_time or 0.0 for e in events),
        worker_returncode=returncode,
        worker_stderr=stderr,
        worker_files=files,
        jail=dict(jail),
        kept=dict(kept),
    )
