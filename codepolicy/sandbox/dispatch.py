"""The dispatcher contract and small host-side helpers of :class:`Session`.

Dispatcher contract: ``dispatcher(spec, args) -> value``, where ``args`` is the dict returned by
``spec.validate_args``. It may return a plain value (encoded for the program: JSON values, numpy
arrays, dataclasses/pydantic models as read-only records) or a :class:`DispatchResult` to also
report simulated time and annotations. It may raise a :class:`PrimitiveError` (the program sees it
as that exception class) or a :class:`ProgramHalt` (``SafetyStop`` -> status ``safety_stop``,
``BudgetExceeded`` -> ``budget_exceeded``). Any other exception is a host bug: the run ends with
status ``error``, kind ``dispatcher_error``.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codepolicy.primitives.errors import BudgetExceeded, PrimitiveError, ProgramHalt, SafetyStop
from codepolicy.primitives.registry import PrimitiveSpec
from codepolicy.sandbox import codec
from codepolicy.sandbox.protocol import CallMsg, DoneMsg
from codepolicy.sandbox.result import CallError, CallEvent, ErrorKind, ProgramError, Status

Dispatcher = Callable[[PrimitiveSpec, dict[str, Any]], Any]
BeforeCall = Callable[[PrimitiveSpec, dict[str, Any]], None]
AfterCall = Callable[[CallEvent], None]


@dataclass
class DispatchResult:
    """What a dispatcher may return instead of a bare value.

    Attributes:
        value: The value the program receives.
        sim_time: Simulated seconds the call took (recorded on the event).
        info: Free-form JSON-compatible annotations recorded on the event.
    """

    value: Any = None
    sim_time: float | None = None
    info: dict[str, Any] = field(default_factory=dict)


MAX_MESSAGE = 500
"""Longest error message built from program values that the host passes on."""


def truncate(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def json_safe(value: Any) -> Any:
    try:
        return codec.encode_value(value)
    except codec.CodecError:
        return repr(value)[:500]


@dataclass
class Halt:
    """The run must end: a dispatcher or hook stopped it, or the dispatcher itself failed."""

    status: Status
    error: ProgramError
    notify: bool = False
    """Whether the after-call hook still sees the halting call."""


def execute_call(
    spec: PrimitiveSpec,
    args: list[Any],
    kwargs: dict[str, Any],
    event: CallEvent,
    dispatcher: Dispatcher,
    before_call: BeforeCall | None,
    on_output: Callable[[dict[str, Any]], None] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, Any] | Halt:
    """Validate and run one call on the host; fill ``event``; return the reply for the worker.

    A :class:`PrimitiveError` (including invalid arguments) becomes a ``raise`` reply the program
    can catch; a :class:`ProgramHalt` or any other exception becomes a :class:`Halt`. Messages
    built from program values are truncated to :data:`MAX_MESSAGE` characters. ``timings`` gets
    ``"dispatch"``: the seconds spent in the hook and dispatcher (the rest is validation).
    """
    timings = timings if timings is not None else {}
    try:
        checked = spec.validate_args(args, kwargs)
        event.args = json_safe(checked)
        if before_call is not None:
            before_call(spec, checked)
        if on_output is not None:
            on_output(checked)
        started = time.perf_counter()
        try:
            outcome = dispatcher(spec, checked)
        finally:
            timings["dispatch"] = time.perf_counter() - started
        if isinstance(outcome, DispatchResult):
            event.sim_time = outcome.sim_time
            event.info = dict(outcome.info)
            outcome = outcome.value
        encoded = codec.encode_value(outcome)
        event.result = encoded
        return {"type": "return", "value": encoded}
    except PrimitiveError as exc:
        message = truncate(str(exc))
        event.error = CallError(code=exc.code, message=message)
        return {"type": "raise", "code": exc.code, "message": message}
    except ProgramHalt as exc:
        event.error = CallError(code=exc.code, message=truncate(str(exc)))
        status = (
            Status.budget_exceeded
            if isinstance(exc, BudgetExceeded)
            else (Status.safety_stop if isinstance(exc, SafetyStop) else Status.error)
        )
        error = ProgramError(
            kind=ErrorKind.halt,
            type=type(exc).__name__,
            message=truncate(str(exc)),
            line=event.line,
            source_line=event.source_line,
        )
        return Halt(status, error, notify=True)
    except Exception as exc:
        event.error = CallError(code="dispatcher_error", message=repr(exc)[:500])
        error = ProgramError(
            kind=ErrorKind.dispatcher_error,
            type=type(exc).__name__,
            message="".join(traceback.format_exception(exc))[-4000:],
            line=event.line,
            source_line=event.source_line,
        )
        return Halt(Status.error, error)


def decode_call(msg: CallMsg) -> tuple[list[Any], dict[str, Any]]:
    """The arguments of a call message, decoded under one element budget (records as dicts).

    Raises:
        codec.CodecError: The arguments are malformed or too large.
        RecursionError: They are nested too deeply.
    """
    budget = codec.Budget(codec.MAX_CALL_ELEMENTS)
    args = [codec.decode_value(a, records_as_dicts=True, budget=budget) for a in msg.args]
    kwargs = {
        k: codec.decode_value(v, records_as_dicts=True, budget=budget)
        for k, v in msg.kwargs.items()
    }
    return args, kwargs


def decode_kept(msg: DoneMsg) -> dict[str, Any]:
    """The program's variables a ``done`` message reports, decoded under one element budget.

    Raises:
        codec.CodecError: They are malformed or too large.
        RecursionError: They are nested too deeply.
    """
    budget = codec.Budget()
    return {k: codec.decode_value(v, budget=budget) for k, v in msg.kept.items()}
