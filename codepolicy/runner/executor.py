"""The :class:`Executor`: how every program of a pipeline runs — profile, perception, hooks.

Planners decide *which* programs to run; the executor runs them, always the same way: on the
world's guarded robot, with the pipeline's primitive profile and perception kind, reporting each
primitive call to the pipeline's hooks (live output, video).

Example:
    >>> from codepolicy.envs.backend import make_world
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=0)
    >>> world = make_world("kinematic")
    >>> executor = Executor()
    >>> len(executor.reset(episode, world)) == len(episode.objects)
    True
    >>> executor.execute(episode, "say('hello')", world).status.value
    'failed'
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codepolicy.envs.roles import World
from codepolicy.feedback.model import Feedback
from codepolicy.feedback.scene import describe_scene
from codepolicy.feedback.seen import change_source
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.perception import make_perception
from codepolicy.primitives.registry import Registry
from codepolicy.runner.episode import ProgramHelp, judge, perceive, run_program, spawns
from codepolicy.runner.state import ProgramState
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.result import CallEvent, ExecutionResult, Status
from codepolicy.sandbox.vetting import VetProblem, VetReport
from codepolicy.scenario.sampler import Episode

if TYPE_CHECKING:
    from codepolicy.skills.use import SkillSet


@dataclass
class Executor:
    """Runs programs on a world the way the pipeline is configured.

    Attributes:
        registry: The primitive profile programs may call.
        perception: Perception kind (``privileged``, ``noisy``, ...).
        perception_options: Options of that kind.
        limits: Sandbox limits (default: from each episode's budget).
        on_event: Hooks called with every executed primitive call, in order.
        before_run: Hooks called after a reset, just before a program starts.
        helpers: Writes functions programs call but do not define, and serves the profile's
            helper LMPs (Code as Policies' function generation; e.g.
            :class:`codepolicy.planning.lmp.ModelHelp`); None: those fail with ``ModelRequired``.
        skills: A vetted skill library whose functions run before every program, so programs
            may call them (None: no library).
    """

    registry: Registry = DEFAULT
    perception: str = "privileged"
    perception_options: dict[str, Any] = field(default_factory=dict)
    limits: SandboxLimits | None = None
    on_event: list[Callable[[CallEvent], None]] = field(default_factory=list)
    before_run: list[Callable[[], None]] = field(default_factory=list)
    helpers: ProgramHelp | None = None
    skills: SkillSet | None = None

    def scene_lines(self, world: World, seed: int = 0) -> list[str]:
        """The perceived scene as text lines (what prompts show a model)."""
        seen = make_perception(self.perception, world, seed=seed, **self.perception_options)
        return describe_scene(perceive(world, seen))

    def reset(self, episode: Episode, world: World) -> list[str]:
        """Reset the world to ``episode``; return the perceived start scene as text lines."""
        world.scene.reset(spawns(episode), seed=episode.seed)
        return self.scene_lines(world, episode.seed)

    def execute(
        self,
        episode: Episode,
        program: str,
        world: World,
        *,
        reset: bool = True,
        pause_on_failure: bool = False,
        quiet: bool = False,
        state: ProgramState | None = None,
    ) -> Feedback:
        """Run ``program`` and judge it.

        Args:
            reset: Reset the world to the episode first (``False``: continue from the scene).
            pause_on_failure: Stop at the first failed primitive call (closed-loop replanning).
            quiet: Do not call the hooks (dry runs of candidate programs).
            state: Variables and functions of earlier programs of the same session.
        """
        return run_program(
            episode,
            program,
            world,
            registry=self.registry,
            perception=self.perception,
            perception_options=self.perception_options,
            limits=self.limits,
            on_event=None if quiet else self._on_event,
            before_run=None if quiet else self._before_run,
            reset=reset,
            pause_on_failure=pause_on_failure,
            helpers=self.helpers,
            state=state,
            prelude=self.skills.prelude if self.skills is not None else "",
        )

    def no_program(self, episode: Episode, world: World, problem: str) -> Feedback:
        """Feedback for an answer with no usable program: rejected, with the reason."""
        report = VetReport(
            ok=False, problems=[VetProblem(line=0, col=0, code="no_program", message=problem)]
        )
        seen = make_perception(self.perception, world, seed=episode.seed, **self.perception_options)
        scene = perceive(world, seen)
        execution = ExecutionResult(status=Status.rejected, vet=report)
        source = change_source(self.perception, has_ground_truth=world.scene.has_ground_truth)
        return judge(episode, execution, world, seen, scene, [], time.perf_counter(), source=source)

    def _on_event(self, event: CallEvent) -> None:
        for hook in self.on_event:
            hook(event)

    def _before_run(self) -> None:
        for hook in self.before_run:
            hook()
