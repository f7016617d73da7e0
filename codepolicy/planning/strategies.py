"""Replanning strategies: how a model's programs meet the world and learn from its feedback.

- ``none``: one program.
- ``refine`` (in-context recursion): on failure, the compact feedback goes back to the model for a
  corrected program, up to ``max_rounds``, continuing from the current scene or after a reset.
- ``best-of-n`` (selection): sample n programs, dry-run each on a kinematic copy of the episode, rank
  by success then reward, execute only the best for real ("simulate before you move").
- ``closed-loop`` (Inner Monologue): when a primitive fails mid-program, pause, and ask for a
  continuation from the current state with the steps done so far.
Every program first gets the helper functions it calls but does not define (hierarchical generation).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from codepolicy.envs.backend import Backend
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL, hidden_names, model_feedback
from codepolicy.feedback.model import Feedback, step_text
from codepolicy.feedback.scene import describe_scene
from codepolicy.planning.hierarchy import expand_helpers
from codepolicy.planning.writer import Draft, ProgramWriter
from codepolicy.runner.episode import judge, make_backend, run_episode, spawns, world_kind
from codepolicy.sandbox.result import CallEvent, ExecutionResult, Status
from codepolicy.sandbox.vetting import VetProblem, VetReport
from codepolicy.scenario.sampler import Episode

STRATEGIES = ("none", "refine", "best-of-n", "closed-loop")


@dataclass
class Round:
    """One program that ran (or was refused) and the model requests that produced it."""

    index: int
    kind: str
    program: str
    feedback: Feedback
    drafts: list[Draft] = field(default_factory=list)
    executed: bool = True
    """False for best-of-n candidates that were only dry-run."""


@dataclass
class Solution:
    """The outcome of solving one episode with a strategy: the final feedback and every round."""

    feedback: Feedback
    rounds: list[Round]

    @property
    def drafts(self) -> list[Draft]:
        """Every model request, in order."""
        return [d for r in self.rounds for d in r.drafts]


@dataclass
class Solver:
    """Runs a strategy for episodes on one backend.

    Args:
        writer: Writes programs with a model.
        backend: The world programs execute in.
        strategy: One of :data:`STRATEGIES`.
        max_rounds: Rounds of ``refine`` / continuations of ``closed-loop`` (first program included).
        n: Candidates of ``best-of-n``.
        sample_temperature: Temperature of ``best-of-n`` samples.
        refine_from: ``"current"`` scene or ``"reset"`` before each refined program.
        helper_depth: Depth of hierarchical helper-function generation (0 disables it).
        on_event: Called with each executed primitive call as it completes.
        feedback_level: How much the model is told after a failed round
            (:data:`codepolicy.feedback.levels.FEEDBACK_LEVELS`); never the task's hidden answer.
    """

    writer: ProgramWriter
    backend: Backend
    strategy: str = "none"
    max_rounds: int = 3
    n: int = 4
    sample_temperature: float = 0.8
    refine_from: str = "current"
    helper_depth: int = 2
    on_event: Callable[[CallEvent], None] | None = None
    feedback_level: str = DEFAULT_FEEDBACK_LEVEL

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy '{self.strategy}'; known: {', '.join(STRATEGIES)}")
        if self.refine_from not in ("current", "reset"):
            raise ValueError(f"refine_from must be 'current' or 'reset', not '{self.refine_from}'")

    def solve(self, episode: Episode) -> Solution:
        """Write, run and (per the strategy) replan programs for ``episode``."""
        scene = describe_scene(self.backend.reset(spawns(episode), seed=episode.seed))
        if self.strategy == "best-of-n":
            return self._best_of_n(episode, scene)
        draft = self.writer.write(episode.instruction, scene)
        rounds = [self._run(episode, draft, 0, "program", reset=False)]
        for index in range(1, self.max_rounds):
            last = rounds[-1].feedback
            if last.success or self.strategy == "none":
                break
            scene = describe_scene(self.backend.observe())
            if self.strategy == "refine":
                reset = self.refine_from == "reset"
                if reset:
                    scene = describe_scene(self.backend.reset(spawns(episode), seed=episode.seed))
                text = model_feedback(
                    last,
                    self.feedback_level,
                    hidden=hidden_names(episode),
                    program=rounds[-1].program,
                    primitives=self.writer.registry.names(),
                )
                draft = self.writer.write(episode.instruction, scene, text, purpose="refine")
                rounds.append(self._run(episode, draft, index, "refine", reset=False))
            else:
                if last.status.value != "aborted":
                    break
                draft = self.writer.continuation(
                    episode.instruction, scene, _steps_done(rounds), _failure(last)
                )
                rounds.append(self._run(episode, draft, index, "continue", reset=False))
        return Solution(rounds[-1].feedback, rounds)

    def _program(self, episode: Episode, draft: Draft) -> tuple[str | None, list[Draft]]:
        if draft.program is None or self.helper_depth <= 0:
            return draft.program, [draft]
        scene = describe_scene(self.backend.observe())
        expanded = expand_helpers(
            draft.program, self.writer, episode.instruction, scene, self.helper_depth
        )
        return expanded.program, [draft, *expanded.drafts]

    def _run(self, episode: Episode, draft: Draft, index: int, kind: str, reset: bool) -> Round:
        program, drafts = self._program(episode, draft)
        if program is None:
            feedback = _no_program(episode, self.backend, draft.problem or "no program")
            return Round(index, kind, "", feedback, drafts)
        feedback = run_episode(
            episode,
            program,
            backend=self.backend,
            registry=self.writer.registry,
            on_event=self.on_event,
            reset=reset,
            pause_on_failure=self.strategy == "closed-loop",
        )
        return Round(index, kind, program, feedback, drafts)

    def _best_of_n(self, episode: Episode, scene: list[str]) -> Solution:
        drafts = self.writer.sample(episode.instruction, scene, self.n, self.sample_temperature)
        dry = make_backend(world_kind(episode, "kinematic"))
        candidates: list[Round] = []
        try:
            for i, draft in enumerate(drafts):
                program, used = self._program(episode, draft)
                if program is None:
                    feedback = _no_program(episode, dry, draft.problem or "no program")
                else:
                    feedback = run_episode(
                        episode, program, backend=dry, registry=self.writer.registry
                    )
                candidates.append(Round(i, "candidate", program or "", feedback, used, False))
        finally:
            dry.close()
        best = max(candidates, key=lambda r: (r.feedback.success, r.feedback.reward, -r.index))
        feedback = run_episode(
            episode,
            best.program,
            backend=self.backend,
            registry=self.writer.registry,
            on_event=self.on_event,
        )
        chosen = Round(len(candidates), "best", best.program, feedback, [], True)
        return Solution(feedback, [*candidates, chosen])


def _no_program(episode: Episode, backend: Backend, problem: str) -> Feedback:
    """Feedback for an answer with no usable program: rejected, with the reason."""
    report = VetReport(
        ok=False, problems=[VetProblem(line=0, col=0, code="no_program", message=problem)]
    )
    scene = backend.observe()
    execution = ExecutionResult(status=Status.rejected, vet=report)
    return judge(episode, execution, backend, scene, [], time.perf_counter())


def _steps_done(rounds: list[Round]) -> str:
    lines = [f"  {step_text(e)}" for r in rounds for e in r.feedback.steps if e.error is None]
    return "\n".join(lines) or "  (none)"


def _failure(feedback: Feedback) -> str:
    if feedback.error is None:
        return "unknown"
    where = f"line {feedback.error.line}: " if feedback.error.line else ""
    return f"{where}{feedback.error.source_line.strip()} -> {feedback.error.type}: {feedback.error.message}"
