"""The host side of a sandboxed run: vet, start a worker, answer its primitive calls.

The host never executes program code. It reads the worker's messages (size-capped, JSON, pydantic),
checks each call against the registry, validates arguments with ``spec.validate_args``, runs the
``before_call`` hook and the dispatcher, encodes the answer and records a :class:`CallEvent`.

The dispatcher contract is in :mod:`codepolicy.sandbox.dispatch`.

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
from typing import Any, NoReturn

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import codec, outcome, protocol
from codepolicy.sandbox.capture import CapturedOutput, said_text_hook
from codepolicy.sandbox.definitions import defined_functions
from codepolicy.sandbox.dispatch import (
    AfterCall,
    BeforeCall,
    Dispatcher,
    DispatchResult,
    Halt,
    decode_call,
    decode_kept,
    execute_call,
    json_safe,
)
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.pool import WorkerPool, WorkerProcess, default_pool
from codepolicy.sandbox.result import (
    CallError,
    CallEvent,
    ErrorKind,
    ExecutionResult,
    ProgramError,
    Status,
)
from codepolicy.sandbox.vetting import VetReport, vet_program

__all__ = ["AfterCall", "BeforeCall", "DispatchResult", "Dispatcher", "Session", "run_program"]


class _Finished(Exception):
    """Internal: the run has ended (the result is set)."""


class Session:
    """One sandboxed run of one program, steppable from Python. A context manager.

    Args:
        program: Program source.
        registry: The primitives it may call.
        dispatcher: Executes validated calls on the host (the contract: :mod:`.dispatch`).
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
        self._output = CapturedOutput(self.limits.max_output_bytes)
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
            self._set_result(Status.aborted, outcome.aborted())

    def close(self) -> None:
        """Abort if still running and release the worker."""
        if self.result is None:
            self.abort()
            if self.result is None:
                self._set_result(Status.aborted, outcome.aborted())
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
        self._check_abort()
        try:
            self.worker = pool.acquire(self.limits.startup_seconds)
        except RuntimeError as exc:
            self._finish(Status.error, ProgramError(kind=ErrorKind.worker_crash, message=str(exc)))
        self.jail = dict(self.worker.layers)
        refusal = outcome.jail_refusal(self.jail, self.limits.require_jail)
        if refusal is not None:
            self._finish(Status.error, refusal)
        start = self._start_message()
        self._check_abort()
        if not self.worker.send(
            protocol.encode_host_message(start), timeout=self.limits.startup_seconds
        ):
            self._finish_dead_worker()

    def _start_message(self) -> dict[str, Any]:
        """The ``start`` message (the escape tests extend it with ``unrestricted``)."""
        return protocol.start_message(
            self.program,
            seed=self.seed,
            primitives=self.registry.names(),
            limits=self.limits.worker_view(),
            carry={name: codec.encode_value(value) for name, value in self._carry.items()},
            prelude=self._prelude,
            keep=self._keep,
        )

    def _check_abort(self) -> None:
        if self._abort_requested:
            self._finish(Status.aborted, outcome.aborted())

    def _next_message(self) -> Any:
        worker = self.worker
        assert worker is not None
        remaining = self.limits.wall_seconds - self._program_time
        t0 = time.perf_counter()
        try:
            line = worker.read_line(remaining, self.limits.max_message_bytes)
        except protocol.ProtocolViolation as exc:
            self._program_time += time.perf_counter() - t0
            self._violation(str(exc))
        self._program_time += time.perf_counter() - t0
        self._check_abort()
        if line is None:
            if worker.eof:
                self._finish_dead_worker()
            self._finish(Status.timeout, outcome.wall_timeout(self.limits))
        try:
            return protocol.parse_worker_message(line)
        except protocol.ProtocolViolation as exc:
            self._violation(str(exc))

    def _advance(self) -> CallEvent | None:
        while True:
            msg = self._next_message()
            if isinstance(msg, protocol.PrintMsg):
                self._add_output(msg.text)
            elif isinstance(msg, protocol.CallMsg):
                return self._handle_call(msg)
            elif isinstance(msg, protocol.DoneMsg):
                self._finish_done(msg)
            elif isinstance(msg, protocol.ErrorMsg):
                self._handle_error(msg)
            elif isinstance(msg, protocol.LimitMsg):
                self._handle_limit(msg)
            else:
                self._violation(f"unexpected message {msg.type!r}")

    def _add_output(self, text: str) -> None:
        if not self._output.add(text):
            self._finish(Status.resource_limit, outcome.output_limit(self.limits))

    def _source(self, line: int | None) -> outcome.Source:
        if line is None or not (0 < line <= len(self._lines)):
            return None, ""
        return line, self._lines[line - 1]

    def _handle_call(self, msg: protocol.CallMsg) -> CallEvent:
        t0 = time.perf_counter()
        index = len(self.events)
        line, source = self._source(msg.line)
        if msg.name not in self.registry:
            self._violation(f"call to unknown primitive {msg.name!r}")
        spec = self.registry.get(msg.name)
        try:
            args, kwargs = decode_call(msg)
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
            self._halt(event, Status.budget_exceeded, outcome.call_limit(self.limits, event))
        timings: dict[str, float] = {}
        reply = execute_call(
            spec,
            args,
            kwargs,
            event,
            self.dispatcher,
            self.before_call,
            said_text_hook(self._add_output)
            if spec.name in self.limits.output_primitives
            else None,
            timings,
        )
        self._charge_validation(time.perf_counter() - t0 - timings.get("dispatch", 0.0), event)
        event.wall_time = time.perf_counter() - t0
        if isinstance(reply, Halt):
            self._halting_event = event
            if reply.notify:
                self._notify_after(event)
            self._finish(reply.status, reply.error)
        assert self.worker is not None
        room = max(self.limits.wall_seconds - self._program_time, 0.0)
        if not self.worker.send(protocol.encode_host_message(reply), timeout=room):
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
            self._halt(
                event, Status.timeout, outcome.validation_timeout(self.limits, event, seconds)
            )

    def _notify_after(self, event: CallEvent) -> None:
        if self.after_call is not None:
            self.after_call(event)

    def _handle_error(self, msg: protocol.ErrorMsg) -> NoReturn:
        trace = [(ln, fn) for ln, fn in msg.trace if self._source(ln)[0] is not None]
        self._finish(*outcome.reported_error(msg, self.limits, self._source(msg.line), trace))

    def _finish_done(self, msg: protocol.DoneMsg) -> NoReturn:
        """``done`` must be the worker's last word: it exits at once and sends nothing more."""
        if self._keep:
            try:
                self._kept = decode_kept(msg)
            except (codec.CodecError, RecursionError) as exc:
                self._violation(f"bad kept variables: {exc}"[:300])
        worker = self.worker
        assert worker is not None
        if worker.wait(1.0) is None:
            self._violation("the worker said 'done' but kept running; it was killed")
        if worker.read_line(0.0, self.limits.max_message_bytes) is not None:
            self._violation("the worker sent messages after 'done'")
        self._finish(Status.completed, None)

    def _handle_limit(self, msg: protocol.LimitMsg) -> NoReturn:
        if msg.what == "cpu":
            self._finish(
                Status.resource_limit, outcome.cpu_limit(self.limits, self._source(msg.line))
            )
        self._output.truncated = True
        self._finish(Status.resource_limit, outcome.output_limit(self.limits))

    def _violation(self, message: str) -> NoReturn:
        self._finish(Status.error, ProgramError(kind=ErrorKind.protocol_violation, message=message))

    def _finish_dead_worker(self) -> NoReturn:
        worker = self.worker
        assert worker is not None
        self._check_abort()
        code = worker.wait(1.0)  # the jailed worker's outer half exits just after its pipes close
        if code is None:
            worker.kill()
            code = worker.wait()
        line, _ = self._source(self.events[-1].line if self.events else None)
        self._finish(*outcome.dead_worker(code, self.limits, line))

    def _halt(self, event: CallEvent, status: Status, error: ProgramError) -> NoReturn:
        """End the run at ``event`` (the step that ends it returns that event)."""
        self._halting_event = event
        self._finish(status, error)

    def _finish(self, status: Status, error: ProgramError | None) -> NoReturn:
        self._set_result(status, error)
        raise _Finished

    def _set_result(self, status: Status, error: ProgramError | None) -> None:
        with self._lock:
            if self.result is not None:
                return
            self.result = outcome.assemble_result(
                status,
                error,
                worker=self.worker,
                events=self.events,
                output=self._output.text(),
                truncated=self._output.truncated,
                vet=self.vet_report,
                started_at=self._started_at,
                program_time=self._program_time,
                jail=self.jail,
                kept=self._kept,
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
