"""The host side of a sandboxed run: vet, start a worker, answer its primitive calls.

The host never executes program code. It reads the worker's messages (size-capped, JSON, pydantic),
checks each call against the registry, validates arguments with ``spec.validate_args``, runs the
``before_call`` hook and the dispatcher, encodes the answer and records a :class:`CallEvent`.

Dispatcher contract: ``dispatcher(spec, args) -> value``, where ``args`` is the dict returned by
``spec.validate_args``. It may return a plain value (encoded for the program: JSON values, numpy
arrays, dataclasses/pydantic models as read-only records) or a :class:`DispatchResult` to also
report simulated time and annotations. It may raise a :class:`PrimitiveError` (the program sees it
as that exception class) or a :class:`ProgramHalt` (``SafetyStop`` -> status ``safety_stop``,
``BudgetExceeded`` -> ``budget_exceeded``). Any other exception is a host bug: the run ends with
status ``error``, kind ``dispatcher_error``.

Example:
    >>> from codepolicy.primitives.registry import PrimitiveSpec, Registry
    >>> registry = Registry()
    >>> @registry.primitive
    ... def say(ctx: object, message: str) -> None:
    ...     '''Say something.'''
    >>> heard = []
    >>> def dispatcher(spec, args):
    ...     heard.append(args["message"])
    >>> with Session("say('hello'); say('world')", registry, dispatcher) as session:
    ...     first = session.step()          # runs until the first call has completed
    ...     result = session.run()          # runs to the end
    >>> first.primitive, result.status.value, heard
    ('say', 'completed', ['hello', 'world'])
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn

from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import codec
from codepolicy.sandbox.dispatch import (
    AfterCall,
    BeforeCall,
    Dispatcher,
    DispatchResult,
    Halt,
    classify_exit,
    execute_call,
    json_safe,
)
from codepolicy.sandbox.layers import jail_gaps, warn_once
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.pool import WorkerPool, WorkerProcess, default_pool
from codepolicy.sandbox.protocol import (
    CallMsg,
    DoneMsg,
    ErrorMsg,
    LimitMsg,
    PrintMsg,
    ProtocolViolation,
    encode_host_message,
    parse_worker_message,
)
from codepolicy.sandbox.result import (
    CallError,
    CallEvent,
    ErrorKind,
    ExecutionResult,
    ProgramError,
    Status,
)
from codepolicy.sandbox.vetting import VetReport, defined_functions, vet_program

__all__ = ["AfterCall", "BeforeCall", "DispatchResult", "Dispatcher", "Session", "run_program"]


class _Finished(Exception):
    """Internal: the run has ended (the result is set)."""


class Session:
    """One sandboxed run of one program, steppable from Python. A context manager.

    Args:
        program: Program source.
        registry: The primitives it may call.
        dispatcher: Executes validated calls on the host (see the module docstring).
        limits: Resource limits.
        seed: Seeds the program's ``random`` and ``np.random``.
        before_call: ``hook(spec, args)`` before dispatch; may raise ``SafetyStop`` (ends the run)
            or a ``PrimitiveError`` (refuses the call; the program sees the error).
        after_call: ``hook(event)`` after each call.
        pool: Worker pool; defaults to the process-wide warm pool.
        vet: Vet the program first (a refused program gets status ``rejected`` and never runs).
        carry: Variables (name -> value) set before the program runs: what an earlier program of
            the same session left (see ``result.kept``).
        prelude: Function definitions of earlier programs of the session, run before the program
            under their own file name (vetted with it).
        keep: Report the program's variables at its end in ``result.kept``.
    """

    def __init__(
        self,
        program: str,
        registry: Registry,
        dispatcher: Dispatcher,
        limits: SandboxLimits | None = None,
        seed: int = 0,
        before_call: BeforeCall | None = None,
        after_call: AfterCall | None = None,
        pool: WorkerPool | None = None,
        vet: bool = True,
        carry: dict[str, Any] | None = None,
        prelude: str = "",
        keep: bool = False,
    ) -> None:
        self.program = program
        self.registry = registry
        self.dispatcher = dispatcher
        self.limits = limits or SandboxLimits()
        self.seed = seed
        self.before_call = before_call
        self.after_call = after_call
        self._pool = pool
        self._carry = dict(carry or {})
        self._prelude = prelude
        self._keep = keep
        self._kept: dict[str, Any] = {}
        self._lines = program.splitlines()
        self.events: list[CallEvent] = []
        self.vet_report: VetReport | None = None
        self.result: ExecutionResult | None = None
        self.worker: WorkerProcess | None = None
        self.jail: dict[str, tuple[bool, str]] = {}
        self._output: list[str] = []
        self._output_len = 0
        self._truncated = False
        self._program_time = 0.0
        self._started_at: float | None = None
        self._abort_requested = False
        self._lock = threading.RLock()
        if vet:
            defined = [*defined_functions(prelude), *self._carry]
            self.vet_report = vet_program(program, registry, defined=defined)
            if not self.vet_report.ok:
                self.result = ExecutionResult(status=Status.rejected, vet=self.vet_report)

    # -- public API ----------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """True once the run has ended."""
        return self.result is not None

    def step(self) -> CallEvent | None:
        """Run until the next primitive call has completed; None once the program has ended."""
        if self.result is not None:
            return None
        try:
            self._ensure_started()
            return self._advance()
        except _Finished:
            return self._halting_event

    def run(self) -> ExecutionResult:
        """Run to the end and return the result."""
        while self.step() is not None or self.result is None:
            pass
        return self.result

    def abort(self) -> None:
        """Stop the run now (thread-safe); status ``aborted`` unless it had already ended."""
        self._abort_requested = True
        worker = self.worker
        if worker is not None:
            worker.kill()
        elif self.result is None:
            self._set_result(Status.aborted, ProgramError(kind=ErrorKind.aborted))

    def close(self) -> None:
        """Abort if still running and release the worker."""
        if self.result is None:
            self.abort()
            if self.result is None:
                self._set_result(Status.aborted, ProgramError(kind=ErrorKind.aborted))
        self._release()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        worker = getattr(self, "worker", None)
        if worker is not None:
            worker.close()

    # -- internals -----------------------------------------------------------------------------

    _halting_event: CallEvent | None = None

    def _ensure_started(self) -> None:
        if self.worker is not None:
            return
        self._started_at = time.perf_counter()
        pool = self._pool or default_pool()
        if self._abort_requested:
            self._finish(Status.aborted, ProgramError(kind=ErrorKind.aborted))
        try:
            self.worker = pool.acquire(self.limits.startup_seconds)
        except RuntimeError as exc:
            self._finish(Status.error, ProgramError(kind=ErrorKind.worker_crash, message=str(exc)))
        self.jail = dict(self.worker.layers)
        missing = jail_gaps(self.jail)
        if missing and self.limits.require_jail:
            self._finish(
                Status.error,
                ProgramError(
                    kind=ErrorKind.jail_unavailable,
                    message="require_jail is set and these jail layers are off: "
                    + "; ".join(missing),
                ),
            )
        if missing:
            warn_once(missing)
        start = self._start_message()
        if self._abort_requested:
            self._finish(Status.aborted, ProgramError(kind=ErrorKind.aborted))
        if not self.worker.send(encode_host_message(start), timeout=self.limits.startup_seconds):
            self._finish_dead_worker()

    def _start_message(self) -> dict[str, Any]:
        return {
            "type": "start",
            "program": self.program,
            "seed": self.seed,
            "primitives": self.registry.names(),
            "limits": self.limits.worker_view(),
            "carry": {name: codec.encode_value(value) for name, value in self._carry.items()},
            "prelude": self._prelude,
            "keep": self._keep,
        }

    def _next_message(self) -> Any:
        worker = self.worker
        assert worker is not None
        remaining = self.limits.wall_seconds - self._program_time
        t0 = time.perf_counter()
        try:
            line = worker.read_line(remaining, self.limits.max_message_bytes)
        except ProtocolViolation as exc:
            self._program_time += time.perf_counter() - t0
            self._violation(str(exc))
        self._program_time += time.perf_counter() - t0
        if self._abort_requested:
            self._finish(Status.aborted, ProgramError(kind=ErrorKind.aborted))
        if line is None:
            if worker.eof:
                self._finish_dead_worker()
            self._finish(
                Status.timeout,
                ProgramError(
                    kind=ErrorKind.timeout,
                    message=f"program ran longer than {self.limits.wall_seconds:g} s",
                ),
            )
        try:
            return parse_worker_message(line)
        except ProtocolViolation as exc:
            self._violation(str(exc))

    def _advance(self) -> CallEvent | None:
        while True:
            msg = self._next_message()
            if isinstance(msg, PrintMsg):
                self._add_output(msg.text)
            elif isinstance(msg, CallMsg):
                return self._handle_call(msg)
            elif isinstance(msg, DoneMsg):
                self._finish_done(msg)
            elif isinstance(msg, ErrorMsg):
                self._handle_error(msg)
            elif isinstance(msg, LimitMsg):
                self._handle_limit(msg)
            else:
                self._violation(f"unexpected message {msg.type!r}")

    def _add_output(self, text: str) -> None:
        room = self.limits.max_output_bytes - self._output_len
        if len(text) > room:
            self._output.append(text[: max(room, 0)])
            self._output_len += max(room, 0)
            self._truncated = True
            self._finish(
                Status.resource_limit,
                ProgramError(
                    kind=ErrorKind.output,
                    message=f"output limit of {self.limits.max_output_bytes} characters exceeded",
                ),
            )
        self._output.append(text)
        self._output_len += len(text)

    def _source(self, line: int | None) -> tuple[int | None, str]:
        if line is None or not (0 < line <= len(self._lines)):
            return None, ""
        return line, self._lines[line - 1]

    def _handle_call(self, msg: CallMsg) -> CallEvent:
        t0 = time.perf_counter()
        index = len(self.events)
        line, source = self._source(msg.line)
        if msg.name not in self.registry:
            self._violation(f"call to unknown primitive {msg.name!r}")
        spec = self.registry.get(msg.name)
        budget = codec.Budget(codec.MAX_CALL_ELEMENTS)
        try:
            args = [codec.decode_value(a, records_as_dicts=True, budget=budget) for a in msg.args]
            kwargs = {
                k: codec.decode_value(v, records_as_dicts=True, budget=budget)
                for k, v in msg.kwargs.items()
            }
        except (codec.CodecError, RecursionError) as exc:
            self._violation(f"bad call arguments: {exc}"[:300])
        event = CallEvent(
            index=index,
            primitive=spec.name,
            args={"args": json_safe(args), "kwargs": json_safe(kwargs)},
            line=line,
            source_line=source,
        )
        self.events.append(event)
        if index >= self.limits.max_calls:
            event.error = CallError(code="budget_exceeded", message="too many primitive calls")
            self._halting_event = event
            self._finish(
                Status.budget_exceeded,
                ProgramError(
                    kind=ErrorKind.call_limit,
                    message=f"more than {self.limits.max_calls} primitive calls",
                    line=line,
                    source_line=source,
                ),
            )
        timings: dict[str, float] = {}
        outcome = execute_call(
            spec,
            args,
            kwargs,
            event,
            self.dispatcher,
            self.before_call,
            self._output_hook(spec),
            timings,
        )
        self._charge_validation(time.perf_counter() - t0 - timings.get("dispatch", 0.0), event)
        if isinstance(outcome, Halt):
            event.wall_time = time.perf_counter() - t0
            self._halting_event = event
            if outcome.notify:
                self._notify_after(event)
            self._finish(outcome.status, outcome.error)
        reply = outcome
        event.wall_time = time.perf_counter() - t0
        assert self.worker is not None
        room = max(self.limits.wall_seconds - self._program_time, 0.0)
        if not self.worker.send(encode_host_message(reply), timeout=room):
            self._halting_event = event
            if self.worker.alive() and not self._abort_requested:
                self._finish(
                    Status.timeout,
                    ProgramError(kind=ErrorKind.timeout, message="worker stopped reading replies"),
                )
            self._finish_dead_worker()
        self._notify_after(event)
        return event

    def _charge_validation(self, seconds: float, event: CallEvent) -> None:
        """Host time spent decoding and validating a call counts toward the program's budget."""
        self._program_time += seconds
        if seconds > self.limits.call_seconds or self._program_time > self.limits.wall_seconds:
            self._halting_event = event
            self._finish(
                Status.timeout,
                ProgramError(
                    kind=ErrorKind.timeout,
                    message=f"checking the arguments of call {event.index + 1} "
                    f"({event.primitive}) took {seconds:.1f} s (call_seconds "
                    f"{self.limits.call_seconds:g} s, wall_seconds {self.limits.wall_seconds:g} s)",
                    line=event.line,
                    source_line=event.source_line,
                ),
            )

    def _output_hook(self, spec: PrimitiveSpec) -> Callable[[dict[str, Any]], None] | None:
        """Counts what output primitives (``say``) say towards the output cap."""
        if spec.name not in self.limits.output_primitives:
            return None

        def record(checked: dict[str, Any]) -> None:
            texts = [v for v in checked.values() if isinstance(v, str)]
            if texts:
                self._add_output(" ".join(texts) + "\n")

        return record

    def _notify_after(self, event: CallEvent) -> None:
        if self.after_call is not None:
            self.after_call(event)

    def _handle_error(self, msg: ErrorMsg) -> None:
        line, source = self._source(msg.line)
        kind = {"memory": ErrorKind.memory, "recursion": ErrorKind.recursion}.get(
            msg.category, ErrorKind.exception
        )
        status = Status.error if kind is ErrorKind.exception else Status.resource_limit
        message = msg.message
        if kind is ErrorKind.memory:
            message = (
                f"memory limit of {self.limits.memory_mb} MB (memory_mb, address space) reached"
                + (f": {message}" if message else "")
            )
        trace = [(ln, fn) for ln, fn in msg.trace if self._source(ln)[0] is not None]
        self._finish(
            status,
            ProgramError(
                kind=kind,
                type=msg.exc_type,
                message=message,
                line=line,
                source_line=source,
                trace=trace,
            ),
        )

    def _finish_done(self, msg: DoneMsg) -> NoReturn:
        """``done`` must be the worker's last word: it exits at once and sends nothing more."""
        if self._keep:
            try:
                budget = codec.Budget()
                self._kept = {k: codec.decode_value(v, budget=budget) for k, v in msg.kept.items()}
            except (codec.CodecError, RecursionError) as exc:
                self._violation(f"bad kept variables: {exc}"[:300])
        worker = self.worker
        assert worker is not None
        if worker.wait(1.0) is None:
            self._violation("the worker said 'done' but kept running; it was killed")
        if worker.read_line(0.0, self.limits.max_message_bytes) is not None:
            self._violation("the worker sent messages after 'done'")
        self._finish(Status.completed, None)

    def _handle_limit(self, msg: LimitMsg) -> NoReturn:
        if msg.what == "cpu":
            line, source = self._source(msg.line)
            where = f" while line {line} was running" if line is not None else ""
            self._finish(
                Status.resource_limit,
                ProgramError(
                    kind=ErrorKind.cpu,
                    message=f"CPU time limit of {self.limits.cpu_seconds} s "
                    f"(cpu_seconds) reached{where}",
                    line=line,
                    source_line=source,
                ),
            )
        self._truncated = True
        self._finish(
            Status.resource_limit,
            ProgramError(
                kind=ErrorKind.output,
                message=f"output limit of {self.limits.max_output_bytes} characters exceeded",
            ),
        )

    def _violation(self, message: str) -> NoReturn:
        self._finish(Status.error, ProgramError(kind=ErrorKind.protocol_violation, message=message))

    def _finish_dead_worker(self) -> NoReturn:
        worker = self.worker
        assert worker is not None
        if self._abort_requested:
            self._finish(Status.aborted, ProgramError(kind=ErrorKind.aborted))
        code = worker.wait(1.0)  # the jailed worker's outer half exits just after its pipes close
        if code is None:
            worker.kill()
            code = worker.wait()
        status, kind, what = classify_exit(code, self.limits)
        line, _ = self._source(self.events[-1].line if self.events else None)
        if line is not None and kind is not ErrorKind.worker_crash:
            what += f" (the last primitive call was on line {line})"
        self._finish(status, ProgramError(kind=kind, message=what))

    def _finish(self, status: Status, error: ProgramError | None) -> NoReturn:
        self._set_result(status, error)
        raise _Finished

    def _set_result(self, status: Status, error: ProgramError | None) -> None:
        with self._lock:
            if self.result is not None:
                return
            worker = self.worker
            returncode: int | None = None
            stderr = ""
            files: list[str] = []
            if worker is not None:
                if status is not Status.completed:
                    worker.kill()
                returncode = worker.wait(2.0)
                stderr = bytes(worker.stderr).decode("utf-8", "replace")[-4000:]
                files = worker.tmpdir_entries()[:100]
            wall = time.perf_counter() - self._started_at if self._started_at else 0.0
            self.result = ExecutionResult(
                status=status,
                events=list(self.events),
                n_calls=len(self.events),
                output="".join(self._output),
                output_truncated=self._truncated,
                error=error,
                vet=self.vet_report,
                wall_time=wall,
                program_time=self._program_time,
                sim_time=sum(e.sim_time or 0.0 for e in self.events),
                worker_returncode=returncode,
                worker_stderr=stderr,
                worker_files=files,
                jail=dict(self.jail),
                kept=dict(self._kept),
            )
        self._release()

    def _release(self) -> None:
        worker = self.worker
        if worker is not None and self.result is not None:
            worker.close()


def run_program(
    program: str,
    registry: Registry,
    dispatcher: Dispatcher,
    limits: SandboxLimits | None = None,
    seed: int = 0,
    **kwargs: Any,
) -> ExecutionResult:
    """Convenience: run ``program`` to the end in a fresh :class:`Session`."""
    with Session(program, registry, dispatcher, limits, seed, **kwargs) as session:
        return session.run()
