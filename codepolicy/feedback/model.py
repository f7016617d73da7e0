"""The feedback of one episode: one pydantic model, JSON for logs and compact text for a model.

The text form is deterministic for a given episode and program (no wall-clock times), so model calls
that include it can be cached.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from codepolicy.feedback.untrusted import block, clean, one_line
from codepolicy.sandbox import codec
from codepolicy.sandbox.result import CallEvent, ExecutionResult, Status
from codepolicy.sandbox.vetting import VetReport
from codepolicy.success.results import SuccessEvaluation

MAX_TEXT_STEPS = 25
"""Calls listed in the text form; longer traces keep the first and last ones."""
MAX_TEXT_OUTPUT = 600
"""Characters of program output shown in the text form."""


class FeedbackStatus(str, Enum):
    """How an episode ended, from the model's point of view."""

    success = "success"
    failed = "failed"
    rejected = "rejected"
    error = "error"
    timeout = "timeout"
    resource_limit = "resource_limit"
    safety_stop = "safety_stop"
    budget_exceeded = "budget_exceeded"
    aborted = "aborted"


class ErrorReport(BaseModel):
    """The error that ended a program, where in the program it happened."""

    type: str
    message: str
    line: int | None = None
    source_line: str = ""


class Feedback(BaseModel):
    """Everything the world says about one run of one program."""

    scenario: str
    seed: int
    instruction: str
    backend: str
    status: FeedbackStatus
    success: bool = Field(description="Whether the task's success condition holds at the end.")
    executable: bool = Field(description="Whether the program ran to its end without an error.")
    reward: float
    explanation: str
    evaluation: SuccessEvaluation | None = None
    steps: list[CallEvent] = Field(default_factory=list)
    error: ErrorReport | None = None
    vet: VetReport | None = None
    scene: list[str] = Field(default_factory=list, description="Objects and where they are now.")
    changes: list[str] = Field(default_factory=list, description="What moved since the start.")
    changes_source: str | None = Field(
        None,
        description=(
            'Whose view the changes are ("seen by the camera"): perception\'s, for every kind but '
            "privileged on a scene with ground truth (None: exact)."
        ),
    )
    said: list[str] = Field(default_factory=list)
    output: str = ""
    env_success: bool | None = Field(
        None,
        description=(
            "An adapter world's own success signal (the third-party env's is_success), side by "
            "side with ours; None in our own worlds."
        ),
    )
    idle: str | None = Field(
        None, description="Why the robot did nothing, when a finished program never moved it."
    )
    sim_time: float = 0.0
    wall_time: float = 0.0
    jail: list[str] = Field(
        default_factory=list,
        description="The sandbox's OS jail layers that were active for this episode.",
    )

    def to_text(self, *, instruction: bool = True) -> str:
        """Compact, deterministic text for a model to replan from.

        ``instruction=False`` leaves out the first line (for a person who has just seen the
        instruction printed above the steps).

        Text that came from the program (its output, exception messages, values in call errors,
        its source lines) is cleaned of control characters and escapes and kept on its own
        indented lines (see :mod:`codepolicy.feedback.untrusted`), so it cannot forge the
        feedback's own lines.
        """
        lines = [f"Instruction: {one_line(self.instruction)}"] if instruction else []
        lines.append(f"Status: {self.status.value}")
        if self.idle:
            lines.append(f"Note: {self.idle}")
        if self.vet is not None and not self.vet.ok:
            lines.append("The program was rejected before running:")
            lines += [f"  line {p.line}: {one_line(p.message)}" for p in self.vet.problems]
        if self.error is not None:
            where = f" at line {self.error.line}" if self.error.line else ""
            kind = one_line(self.error.type, 100)
            lines.append(f"Error{where}: {kind}: {one_line(self.error.message, 2000)}")
            if self.error.source_line:
                lines.append(f"  {self.error.line} | {one_line(self.error.source_line.strip())}")
        if self.steps:
            lines.append(f"Calls ({len(self.steps)}):")
            lines += [f"  {step_text(e)}" for e in _elide(self.steps)]
        lines.append(
            f"Task: {'achieved' if self.success else 'not achieved'} (reward {self.reward:.2f})"
        )
        if self.explanation:
            lines += [f"  {clean(line)}" for line in self.explanation.splitlines()]
        if self.env_success is not None:
            agree = "agrees" if self.env_success == self.success else "disagrees"
            lines.append(
                f"The environment's own success signal: {'yes' if self.env_success else 'no'} "
                f"({agree})"
            )
        if self.changes:
            lines.append(changes_heading(self.changes_source))
            lines += [f"  {one_line(c)}" for c in self.changes]
        if self.scene:
            lines.append("Scene now:")
            lines += [f"  {one_line(s)}" for s in self.scene]
        if self.output.strip():
            text = self.output.strip()
            if len(text) > MAX_TEXT_OUTPUT:
                text = text[:MAX_TEXT_OUTPUT] + " …(truncated)"
            lines.append("Program output (quoted):")
            lines += block(text)
        return "\n".join(lines)


def changes_heading(source: str | None) -> str:
    """``What changed:``, or ``What changed (seen by the camera):`` when perception's view."""
    return f"What changed ({source}):" if source else "What changed:"


def _elide(steps: list[CallEvent]) -> list[CallEvent | None]:
    if len(steps) <= MAX_TEXT_STEPS:
        return list(steps)
    head = MAX_TEXT_STEPS // 2
    return [*steps[:head], None, *steps[-(MAX_TEXT_STEPS - head) :]]


def _short(value: Any) -> str:
    text = repr(plain(value))
    return text if len(text) <= 120 else text[:117] + "..."


def plain(value: Any) -> Any:
    """A codec-encoded call value as plain Python for display: arrays become lists, floats rounded."""
    try:
        decoded = codec.decode_value(value)
    except codec.CodecError:
        decoded = value
    return _rounded(decoded)


def _rounded(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _rounded(value.tolist())
    if isinstance(value, float | np.floating):
        return round(float(value), 3)
    if isinstance(value, codec.Record):
        return {k: _rounded(v) for k, v in value.fields().items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def step_text(event: CallEvent | None, *, returned: str = "->", failed: str = "->") -> str:
    """One call as a line: ``line 3: grasp(name='red block') -> grasp_missed: ...``.

    ``returned`` and ``failed`` join the call to its result or error (words such as "returned"
    for text a model reads: arrows make the line look like code to copy).
    """
    if event is None:
        return "..."
    args = ", ".join(f"{k}={_short(v)}" for k, v in event.args.items())
    where = f"line {event.line}: " if event.line else ""
    if event.error is not None:
        text = f"{event.primitive}({args}) {failed} {event.error.code}: {event.error.message}"
        return where + one_line(text, 1000)
    result = "" if event.result is None else f" {returned} {_short(event.result)}"
    return where + one_line(f"{event.primitive}({args}){result}", 1000)


def status_from(execution: ExecutionResult, success: bool) -> FeedbackStatus:
    """Map a sandbox status and the task outcome to the feedback status."""
    if execution.status is Status.completed:
        return FeedbackStatus.success if success else FeedbackStatus.failed
    return FeedbackStatus(execution.status.value)
