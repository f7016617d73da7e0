"""The dispatcher contract and small host-side helpers of :class:`Session`."""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codepolicy.primitives.registry import PrimitiveSpec
from codepolicy.sandbox import codec
from codepolicy.sandbox.policy import EXIT_MEMORY
from codepolicy.sandbox.result import CallEvent, ErrorKind, Status

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


def json_safe(value: Any) -> Any:
    try:
        return codec.encode_value(value)
    except codec.CodecError:
        return repr(value)[:500]


def classify_exit(code: int | None) -> tuple[Status, ErrorKind, str]:
    """Status, kind and message for a worker that ended without a final message."""
    sig = -code if code is not None and code < 0 else None
    if sig == signal.SIGXCPU:
        kind, status, what = ErrorKind.cpu, Status.resource_limit, "CPU time limit"
    elif sig == signal.SIGKILL:
        kind, status = ErrorKind.cpu, Status.resource_limit
        what = "worker killed (CPU time hard limit or out of memory)"
    elif sig == signal.SIGXFSZ:
        kind, status, what = ErrorKind.file_size, Status.resource_limit, "file size limit"
    elif code == EXIT_MEMORY:
        kind, status, what = ErrorKind.memory, Status.resource_limit, "out of memory"
    else:
        kind, status = ErrorKind.worker_crash, Status.error
        what = f"worker exited unexpectedly (code {code})"
    return status, kind, what
