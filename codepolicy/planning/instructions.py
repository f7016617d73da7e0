"""Several programs, one after another, on one world and in one namespace (a CaP session).

Code as Policies' demo takes instruction after instruction on the same scene, and later code uses
earlier variables ("undo that", "make the triangle smaller"). :func:`run_programs` runs each
program on the world as the previous one left it, carrying variables and function definitions
forward (:class:`~codepolicy.runner.state.ProgramState`), and judges the scenario after the last.

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> from codepolicy.primitives.profiles import get_profile
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=0)
    >>> block, target = episode.variables["block"], episode.variables["target"]
    >>> first = f"moved = {block!r}"
    >>> second = f"put_first_on_second(moved, {target!r})"
    >>> result = run_programs(episode, [first, second], backend=KinematicBackend(),
    ...                       registry=get_profile("cap"))
    >>> [f.status.value for f in result.feedbacks], result.success
    (['failed', 'success'], True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from codepolicy.envs.backend import Backend
from codepolicy.envs.roles import as_world
from codepolicy.feedback.model import Feedback
from codepolicy.llm.base import Model
from codepolicy.planning.lmp import ModelHelp
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry
from codepolicy.runner.episode import run_program
from codepolicy.runner.state import ProgramState
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.sampler import Episode


@dataclass
class ProgramsResult:
    """The feedback of each program of a session; the last one judges the scenario.

    Attributes:
        feedbacks: One per program run, in order.
        state: The variables and functions the session ended with.
    """

    feedbacks: list[Feedback] = field(default_factory=list)
    state: ProgramState = field(default_factory=ProgramState)

    @property
    def feedback(self) -> Feedback:
        """The last program's feedback (the scenario judged after everything ran)."""
        return self.feedbacks[-1]

    @property
    def success(self) -> bool:
        """Whether the scenario was achieved after the last program."""
        return bool(self.feedbacks) and self.feedbacks[-1].success


def run_programs(
    episode: Episode,
    programs: Sequence[str],
    *,
    backend: Backend,
    registry: Registry = DEFAULT,
    model: Model | None = None,
    on_event: Callable[[CallEvent], None] | None = None,
    before_run: Callable[[], None] | None = None,
    state: ProgramState | None = None,
) -> ProgramsResult:
    """Reset the world to ``episode`` once, then run ``programs`` in order in one namespace.

    Args:
        episode: The episode (scene, instruction, success condition, budget).
        programs: Program sources, run one after another on the world as the last one left it.
        backend: The world.
        registry: The profile the programs use.
        model: Serves helper LMPs and function generation (see :func:`run_episode`).
        on_event: Called after each primitive call of any program.
        before_run: Called once, after the reset, before the first program.
        state: Start from what an earlier session left (an interactive session passes its own).

    Raises:
        ValueError: no program was given.
    """
    if not programs:
        raise ValueError("run_programs needs at least one program")
    result = ProgramsResult(state=state if state is not None else ProgramState())
    for index, program in enumerate(programs):
        feedback = run_program(
            episode,
            program,
            as_world(backend),
            registry=registry,
            on_event=on_event,
            reset=index == 0 and state is None,
            before_run=before_run if index == 0 else None,
            helpers=ModelHelp(model) if model is not None else None,
            state=result.state,
        )
        result.feedbacks.append(feedback)
    return result
