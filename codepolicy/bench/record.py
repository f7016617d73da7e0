"""What a benchmark run writes: one :class:`EpisodeRecord` per finished episode and a :class:`RunManifest`.

A record is self-contained: it names the episode (scenario × seed × variant, see :func:`episode_key`),
what produced it (planner, model, profile, backend), how it ended, every planning round and the
accounting (model calls, tokens, time). Episodes that crashed outside the program (simulator or
model error) are kept with ``status="crashed"`` and ``crash`` set, so they stay in every denominator.

Example:
    >>> record = EpisodeRecord(
    ...     key=episode_key("stack-blocks-seen", 3, "few-shot"), scenario="stack-blocks-seen",
    ...     family="stack-blocks", instruction_split="seen", attribute_split="seen",
    ...     difficulty="easy", seed=3, instruction="Stack the blocks.", variant="few-shot",
    ...     status="success", success=True, executable=True, reward=1.0)
    >>> record.key
    'stack-blocks-seen|3|few-shot'
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from codepolicy.feedback.model import Feedback
    from codepolicy.scenario.sampler import Episode

RECORD_SCHEMA = 1
"""Version of the record layout written to ``results.jsonl``."""

RecordStatus = Literal[
    "success",
    "failed",
    "rejected",
    "error",
    "timeout",
    "resource_limit",
    "safety_stop",
    "budget_exceeded",
    "aborted",
    "crashed",
]
"""A feedback status (:class:`codepolicy.feedback.model.FeedbackStatus`) or ``"crashed"``."""

RECORD_STATUSES: tuple[str, ...] = get_args(RecordStatus)
"""All values of :data:`RecordStatus`, in order."""


def episode_key(scenario: str, seed: int, variant: str) -> str:
    """The stable id of one episode of a run: ``"scenario|seed|variant"``."""
    return f"{scenario}|{seed}|{variant}"


def now_iso() -> str:
    """The current UTC time as an ISO-8601 string (seconds precision)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class CrashInfo(BaseModel):
    """Why an episode crashed outside the program (simulator, model transport, runner)."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="Exception class name, e.g. 'ModelError'.")
    message: str


class Round(BaseModel):
    """One planning attempt of an episode: the program, how it ran, what the model was told."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, description="0 for the first attempt, 1 for the first replan, ...")
    program: str = ""
    status: RecordStatus
    success: bool = False
    reward: float = 0.0
    error: str | None = Field(None, description="Error text ('Type: message'), if any.")
    feedback: str = Field("", description="Feedback.to_text() of this attempt.")
    messages: list[dict[str, str]] | None = Field(
        None, description="Chat messages sent to the model for this attempt (role/content)."
    )
    completion: str | None = Field(None, description="The model's raw answer text.")
    model: str | None = Field(None, description="Model id that answered, if different per round.")
    tokens_in: int = Field(0, ge=0)
    tokens_out: int = Field(0, ge=0)
    cache_hit: bool = False


class EpisodeRecord(BaseModel):
    """One finished episode of a benchmark run (one line of ``results.jsonl``)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = RECORD_SCHEMA
    key: str = Field(min_length=1, description="See episode_key(): 'scenario|seed|variant'.")
    scenario: str
    family: str
    instruction_split: str
    attribute_split: str
    difficulty: str
    seed: int
    instruction: str
    variant: str = Field("default", description="Label of what is compared (prompt variant...).")
    grid: dict[str, str] | None = Field(
        None, description="Axis values of the grid cell this episode ran in (grid runs)."
    )
    planner: str = ""
    model: str | None = None
    profile: str | None = None
    replan: int = Field(0, ge=0, description="Replanning rounds allowed.")
    strategy: str = Field("none", description="Replanning strategy (none, refine, ...).")
    backend: str = ""
    status: RecordStatus
    crash: CrashInfo | None = None
    success: bool
    executable: bool = Field(description="The (final) program ran without an error.")
    reward: float
    env_success: bool | None = Field(
        None, description="An adapter world's own success signal (None in our worlds)."
    )
    explanation: str = ""
    graded_by: str | None = Field(
        None, description="'operator' when the person at a robot judged success (bench remote)."
    )
    operator_note: str | None = Field(None, description="The operator's note, when graded.")
    rounds: list[Round] = Field(default_factory=list)
    primitive_calls: int = Field(0, ge=0)
    llm_calls: int = Field(0, ge=0)
    cache_hits: int = Field(0, ge=0)
    tokens_in: int = Field(0, ge=0, description="All tokens in, cache hits included.")
    tokens_out: int = Field(0, ge=0, description="All tokens out, cache hits included.")
    cached_tokens_in: int = Field(0, ge=0, description="Part of tokens_in served from cache.")
    cached_tokens_out: int = Field(0, ge=0, description="Part of tokens_out served from cache.")
    llm_latency_s: float = Field(0.0, ge=0, description="Summed wall time of model calls.")
    sim_time: float = 0.0
    wall_time: float = 0.0
    video: str | None = Field(
        None, description="MP4 path, relative to the run directory if inside."
    )
    started_at: str = Field(default_factory=now_iso)
    finished_at: str = Field(default_factory=now_iso)
    worker: str | None = None
    skills_available: list[str] = Field(
        default_factory=list, description="Skill library functions the programs could call."
    )
    skills_used: list[str] = Field(
        default_factory=list, description="Those the final program called (see docs/skills.md)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> EpisodeRecord:
        if self.status == "crashed":
            if self.crash is None:
                raise ValueError("status 'crashed' needs crash={type, message}")
            if self.success:
                raise ValueError("a crashed episode cannot be a success")
        elif self.crash is not None:
            raise ValueError(f"crash is set but status is {self.status!r}, not 'crashed'")
        if self.cached_tokens_in > self.tokens_in or self.cached_tokens_out > self.tokens_out:
            raise ValueError("cached tokens cannot exceed total tokens")
        return self

    @property
    def replans(self) -> int:
        """Replanning rounds used (attempts after the first)."""
        return max(len(self.rounds) - 1, 0)

    @property
    def billed_tokens_in(self) -> int:
        """Input tokens actually sent to a provider (cache hits excluded)."""
        return self.tokens_in - self.cached_tokens_in

    @property
    def billed_tokens_out(self) -> int:
        """Output tokens actually produced by a provider (cache hits excluded)."""
        return self.tokens_out - self.cached_tokens_out

    def to_line(self) -> str:
        """The record as one JSON line (no trailing newline, no embedded newlines)."""
        return self.model_dump_json()


class RunManifest(BaseModel):
    """What produced a run directory (``DIR/manifest.json``); see :mod:`codepolicy.bench.provenance`."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = RECORD_SCHEMA
    codepolicy_version: str
    git_commit: str | None = None
    git_dirty: bool | None = None
    python: str
    platform: str
    argv: list[str] | None = None
    models: list[str] = Field(default_factory=list)
    prompts: dict[str, str] = Field(default_factory=dict, description="Prompt name -> sha256.")
    settings: dict[str, Any] = Field(default_factory=dict)
    prices: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Price table used: model -> {input, output, note}."
    )
    created_at: str = Field(default_factory=now_iso)


def episode_fields(episode: Episode, variant: str) -> dict[str, Any]:
    """The record fields that come from the episode: key, scenario, family, splits, seed...

    Use as ``EpisodeRecord(**episode_fields(episode, variant), status=..., ...)``.
    """
    return {
        "key": episode_key(episode.scenario, episode.seed, variant),
        "scenario": episode.scenario,
        "family": episode.family,
        "instruction_split": episode.instruction_split,
        "attribute_split": episode.attribute_split,
        "difficulty": episode.difficulty,
        "seed": episode.seed,
        "instruction": episode.instruction,
        "variant": variant,
    }


def feedback_error(feedback: Feedback) -> str | None:
    """``"Type: message (line N)"`` of a feedback's error, the vetting problems, or None."""
    if feedback.error is not None:
        where = f" (line {feedback.error.line})" if feedback.error.line else ""
        return f"{feedback.error.type}: {feedback.error.message}{where}"
    if feedback.vet is not None and not feedback.vet.ok:
        return "rejected: " + "; ".join(
            f"line {p.line}: {p.message}" for p in feedback.vet.problems
        )
    return None


def round_from_feedback(
    index: int,
    program: str,
    feedback: Feedback,
    *,
    messages: list[dict[str, str]] | None = None,
    completion: str | None = None,
    model: str | None = None,
    tokens_in: int = 0,
    tokens_out: int = 0,
    cache_hit: bool = False,
) -> Round:
    """A :class:`Round` from the feedback of running ``program`` (status, reward, error, text)."""
    return Round(
        index=index,
        program=program,
        status=feedback.status.value,
        success=feedback.success,
        reward=feedback.reward,
        error=feedback_error(feedback),
        feedback=feedback.to_text(),
        messages=messages,
        completion=completion,
        model=model,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cache_hit=cache_hit,
    )


def crash_info(exc: BaseException) -> CrashInfo:
    """:class:`CrashInfo` of an exception (message cut at 2000 characters)."""
    message = str(exc)
    if len(message) > 2000:
        message = message[:2000] + " …(truncated)"
    return CrashInfo(type=type(exc).__name__, message=message)
