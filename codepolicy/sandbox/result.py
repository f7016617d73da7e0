"""Result models of a sandboxed run: statuses, call events, errors."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from codepolicy.sandbox.vetting import VetReport


class Status(str, Enum):
    """How a run ended."""

    completed = "completed"
    """The program ran to its end (the lead maps this to success/failed with the task check)."""
    rejected = "rejected"
    """Static vetting refused the program; nothing ran."""
    error = "error"
    """An uncaught exception in the program, or a misbehaving worker/dispatcher (see kind)."""
    timeout = "timeout"
    """The program ran longer than ``wall_seconds``."""
    resource_limit = "resource_limit"
    """CPU, memory, recursion or output limit."""
    safety_stop = "safety_stop"
    """The dispatcher or ``before_call`` raised :class:`SafetyStop`."""
    budget_exceeded = "budget_exceeded"
    """Too many primitive calls, or the dispatcher raised :class:`BudgetExceeded`."""
    aborted = "aborted"
    """The host called :meth:`Session.abort`."""


class ErrorKind(str, Enum):
    """Finer cause of a non-completed run."""

    exception = "exception"
    memory = "memory"
    recursion = "recursion"
    cpu = "cpu"
    output = "output"
    file_size = "file_size"
    timeout = "timeout"
    call_limit = "call_limit"
    halt = "halt"
    aborted = "aborted"
    protocol_violation = "protocol_violation"
    worker_crash = "worker_crash"
    dispatcher_error = "dispatcher_error"
    sandbox_violation = "sandbox_violation"
    """The jail stopped the worker (a forbidden system call) or could not be set up."""
    jail_unavailable = "jail_unavailable"
    """``require_jail`` was set and a jail layer is not available here; nothing ran."""


class CallError(BaseModel):
    """The failure of one primitive call, as the program saw it."""

    code: str
    message: str


class CallEvent(BaseModel):
    """One primitive call that crossed the boundary."""

    index: int = Field(description="0-based call number.")
    primitive: str
    args: dict[str, Any] = Field(description="Validated arguments, JSON-encoded (codec form).")
    result: Any = Field(None, description="The returned value, JSON-encoded (codec form).")
    error: CallError | None = None
    line: int | None = Field(None, description="Program line of the call (reported by worker).")
    source_line: str = ""
    wall_time: float = Field(0.0, description="Host seconds spent handling the call.")
    sim_time: float | None = Field(None, description="Simulated seconds, set by the dispatcher.")
    info: dict[str, Any] = Field(default_factory=dict, description="Dispatcher annotations.")


class ProgramError(BaseModel):
    """Why a run did not complete."""

    kind: ErrorKind
    type: str = ""
    message: str = ""
    line: int | None = None
    source_line: str = ""
    trace: list[tuple[int, str]] = Field(
        default_factory=list, description="(line, function) of program frames, innermost last."
    )


class ExecutionResult(BaseModel):
    """Everything about one run."""

    status: Status
    events: list[CallEvent] = Field(default_factory=list)
    n_calls: int = 0
    output: str = Field("", description="Captured print/say text, capped.")
    output_truncated: bool = False
    error: ProgramError | None = None
    vet: VetReport | None = None
    wall_time: float = Field(0.0, description="Seconds from start to end, host clock.")
    program_time: float = Field(0.0, description="Seconds the program itself ran.")
    sim_time: float = Field(0.0, description="Sum of the events' sim_time.")
    worker_returncode: int | None = None
    worker_stderr: str = Field("", description="Tail of the worker's stderr, for diagnosis.")
    worker_files: list[str] = Field(
        default_factory=list,
        description="Entries left in the worker's private working directory (should be empty).",
    )
    jail: dict[str, tuple[bool, str]] = Field(
        default_factory=dict,
        description="The worker's OS jail layers: name -> (active, what it is or why it is off).",
    )
    kept: dict[str, Any] = Field(
        default_factory=dict,
        exclude=True,
        description="The program's variables at its end, when its session keeps them (decoded).",
    )

    @property
    def ok(self) -> bool:
        """True if the program ran to its end."""
        return self.status is Status.completed
