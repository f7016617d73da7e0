"""Replanning strategies: how a model's programs meet the world and learn from its feedback.

Strategies register by name in :data:`STRATEGIES` (and from the ``codepolicy.strategies``
entry-point group); each is a function ``strategy(solver, episode, world, scene) -> Solution``:

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

from collections.abc import Callable
from dataclasses import dataclass, field

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.errors import ConfigError
from codepolicy.feedback.image import camera_image
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL, hidden_names, model_feedback
from codepolicy.feedback.model import Feedback, step_text
from codepolicy.llm.base import ImagePart
from codepolicy.planning.hierarchy import expand_helpers
from codepolicy.planning.writer import Draft, ProgramWriter
from codepolicy.registry import Registry
from codepolicy.runner.episode import world_kind
from codepolicy.runner.executor import Executor
from codepolicy.scenario.sampler import Episode

REFINE_FROM = ("current", "reset")


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
    """The outcome of solving one episode: the final feedback and every round."""

    feedback: Feedback
    rounds: list[Round]

    @property
    def drafts(self) -> list[Draft]:
        """Every model request, in order."""
        return [d for r in self.rounds for d in r.drafts]

    @property
    def program(self) -> str:
        """The program of the last round."""
        return self.rounds[-1].program if self.rounds else ""


Strategy = Callable[["Solver", Episode, World, list[str]], Solution]
"""``strategy(solver, episode, world, start_scene_lines) -> Solution``."""

STRATEGIES: Registry[Strategy] = Registry("strategy", group="codepolicy.strategies")
"""Replanning strategies by name; third-party ones load from the ``codepolicy.strategies`` group."""


@dataclass
class Solver:
    """The LLM planner: writes programs with a model and replans them with a strategy.

    Args:
        writer: Writes programs with a model.
        executor: Runs every program (profile, perception, hooks of the pipeline).
        strategy: A name registered in :data:`STRATEGIES`.
        max_rounds: Rounds of ``refine`` / continuations of ``closed-loop`` (first program included).
        n: Candidates of ``best-of-n``.
        sample_temperature: Temperature of ``best-of-n`` samples.
        refine_from: ``"current"`` scene or ``"reset"`` before each refined program.
        helper_depth: Depth of hierarchical helper-function generation (0 disables it).
        feedback_level: How much the model is told after a failed round
            (:data:`codepolicy.feedback.levels.FEEDBACK_LEVELS`); never the task's hidden answer.

    Raises:
        ConfigError: unknown strategy or ``refine_from``.
    """

    writer: ProgramWriter
    executor: Executor = field(default_factory=Executor)
    strategy: str = "none"
    max_rounds: int = 3
    n: int = 4
    sample_temperature: float = 0.8
    refine_from: str = "current"
    helper_depth: int = 2
    name: str = "llm"
    feedback_level: str = DEFAULT_FEEDBACK_LEVEL
    feedback_image: bool = False
    """Attach the camera frame at the end of a round to the feedback message
    (:mod:`codepolicy.feedback.image`)."""

    def __post_init__(self) -> None:
        STRATEGIES.check(self.strategy)
        if self.refine_from not in REFINE_FROM:
            raise ConfigError(f"refine_from must be 'current' or 'reset', not '{self.refine_from}'")

    def solve(self, episode: Episode, world: World) -> Solution:
        """Reset ``world``, then write, run and (per the strategy) replan programs for ``episode``."""
        scene = self.executor.reset(episode, world)
        return STRATEGIES.get(self.strategy)(self, episode, world, scene)

    def program(
        self, episode: Episode, world: World, draft: Draft
    ) -> tuple[str | None, list[Draft]]:
        """The draft's program with its missing helper functions written, and every draft used."""
        if draft.program is None or self.helper_depth <= 0:
            return draft.program, [draft]
        scene = self.executor.scene_lines(world, episode.seed)
        skills = self.executor.skills
        expanded = expand_helpers(
            draft.program,
            self.writer,
            episode.instruction,
            scene,
            self.helper_depth,
            defined=skills.names if skills is not None else (),
        )
        return expanded.program, [draft, *expanded.drafts]

    def run(
        self,
        episode: Episode,
        world: World,
        draft: Draft,
        index: int,
        kind: str,
        *,
        reset: bool = False,
        dry: bool = False,
    ) -> Round:
        """Expand and execute one draft into a round (``dry``: a candidate, hooks silent)."""
        program, drafts = self.program(episode, world, draft)
        if program is None:
            feedback = self.executor.no_program(episode, world, draft.problem or "no program")
            return Round(index, kind, "", feedback, drafts, not dry)
        feedback = self.executor.execute(
            episode,
            program,
            world,
            reset=reset,
            pause_on_failure=self.strategy == "closed-loop",
            quiet=dry,
        )
        return Round(index, kind, program, feedback, drafts, not dry)


@STRATEGIES.register("none")
def _single(solver: Solver, episode: Episode, world: World, scene: list[str]) -> Solution:
    draft = solver.writer.write(episode.instruction, scene)
    first = solver.run(episode, world, draft, 0, "program")
    return Solution(first.feedback, [first])


@STRATEGIES.register("refine")
def _refine(solver: Solver, episode: Episode, world: World, scene: list[str]) -> Solution:
    draft = solver.writer.write(episode.instruction, scene)
    rounds = [solver.run(episode, world, draft, 0, "program")]
    for index in range(1, solver.max_rounds):
        last = rounds[-1].feedback
        if last.success:
            break
        images = _frame(world) if solver.feedback_image else ()
        if solver.refine_from == "reset":
            scene = solver.executor.reset(episode, world)
        else:
            scene = solver.executor.scene_lines(world, episode.seed)
        text = model_feedback(
            last,
            solver.feedback_level,
            hidden=hidden_names(episode),
            program=rounds[-1].program,
            primitives={spec.name: spec.signature for spec in solver.writer.registry},
        )
        draft = solver.writer.write(
            episode.instruction, scene, text, purpose="refine", images=images
        )
        rounds.append(solver.run(episode, world, draft, index, "refine"))
    return Solution(rounds[-1].feedback, rounds)


@STRATEGIES.register("closed-loop")
def _closed_loop(solver: Solver, episode: Episode, world: World, scene: list[str]) -> Solution:
    draft = solver.writer.write(episode.instruction, scene)
    rounds = [solver.run(episode, world, draft, 0, "program")]
    for index in range(1, solver.max_rounds):
        last = rounds[-1].feedback
        if last.success or last.status.value != "aborted":
            break
        scene = solver.executor.scene_lines(world, episode.seed)
        draft = solver.writer.continuation(
            episode.instruction, scene, _steps_done(rounds), _failure(last)
        )
        rounds.append(solver.run(episode, world, draft, index, "continue"))
    return Solution(rounds[-1].feedback, rounds)


@STRATEGIES.register("best-of-n")
def _best_of_n(solver: Solver, episode: Episode, world: World, scene: list[str]) -> Solution:
    drafts = solver.writer.sample(episode.instruction, scene, solver.n, solver.sample_temperature)
    dry = make_world(world_kind(episode, "kinematic"))
    candidates: list[Round] = []
    try:
        solver.executor.reset(episode, dry)
        for i, draft in enumerate(drafts):
            candidates.append(solver.run(episode, dry, draft, i, "candidate", reset=True, dry=True))
    finally:
        dry.close()
    best = max(candidates, key=lambda r: (r.feedback.success, r.feedback.reward, -r.index))
    feedback = solver.executor.execute(episode, best.program, world)
    chosen = Round(len(candidates), "best", best.program, feedback, [], True)
    return Solution(feedback, [*candidates, chosen])


def _frame(world: World) -> tuple[ImagePart, ...]:
    """The camera frame of the world now (before any reset), for the feedback message."""
    image = camera_image(world)
    return () if image is None else (image,)


def _steps_done(rounds: list[Round]) -> str:
    lines = [f"  {step_text(e)}" for r in rounds for e in r.feedback.steps if e.error is None]
    return "\n".join(lines) or "  (none)"


def _failure(feedback: Feedback) -> str:
    if feedback.error is None:
        return "unknown"
    where = f"line {feedback.error.line}: " if feedback.error.line else ""
    return f"{where}{feedback.error.source_line.strip()} -> {feedback.error.type}: {feedback.error.message}"
