"""Run one program on one episode's world and judge it: the execute-and-judge step of the pipeline.

The robot role (guarded) executes, perception tells the primitives, the feedback's scene text and
"what changed" about the objects, and only the judge reads the scene's ground truth. A scene without
ground truth (a real table) is judged on what perception sees, and the feedback says so.

Example:
    >>> from codepolicy.envs.backend import make_world
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=0)
    >>> program = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    >>> feedback = run_program(episode, program, make_world("kinematic"))
    >>> feedback.status.value, feedback.success
    ('success', True)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from codepolicy.envs.roles import ObjectSpawn, World, as_world
from codepolicy.envs.state import SceneState
from codepolicy.errors import ConfigError
from codepolicy.feedback.idle import idle_note
from codepolicy.feedback.model import ErrorReport, Feedback, status_from
from codepolicy.feedback.scene import describe_changes, describe_scene
from codepolicy.feedback.seen import change_source, describe_seen_changes
from codepolicy.primitives.cap_lmps import HelperLMPs
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.perception import Perception, make_perception, perceived_scene
from codepolicy.primitives.registry import Registry
from codepolicy.runner.host import Budget, EpisodeHost
from codepolicy.runner.state import ProgramState
from codepolicy.sandbox.definitions import defined_functions
from codepolicy.sandbox.layers import active_layers
from codepolicy.sandbox.layers import for_backend as jail_for_backend
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.result import CallEvent, ErrorKind, ExecutionResult, ProgramError, Status
from codepolicy.sandbox.session import Session
from codepolicy.scenario.sampler import Episode
from codepolicy.success import evaluate

JUDGED_FROM_PERCEPTION = "judged from perception: this scene has no ground truth"


class ProgramHelp(Protocol):
    """What a model adds to a run (:class:`codepolicy.planning.lmp.ModelHelp`): Code as Policies'
    function generation before the run, and helper LMPs during it."""

    def complete(
        self, program: str, registry: Registry, instruction: str, defined: list[str]
    ) -> str:
        """``program`` with the functions it calls but does not define (nor ``defined`` names)
        written."""
        ...

    def lmps(self, registry: Registry, dispatch: Any, seed: int) -> HelperLMPs | None:
        """The helper LMPs of a run on ``dispatch``, or None when the profile has none."""
        ...


def world_kind(episode: Episode, backend: str) -> str:
    """The backend an episode runs on: its adapter world, or ``backend`` for a tabletop episode
    (an adapter world's env decides the layout, so no tabletop backend can stand in for it)."""
    return episode.world if episode.world != "tabletop" else backend


def spawns(episode: Episode) -> list[ObjectSpawn]:
    """The episode's objects as scene spawn specs."""
    return [ObjectSpawn(o.name, o.kind, o.color, o.x, o.y, o.yaw) for o in episode.objects]


def default_limits(episode: Episode) -> SandboxLimits:
    """Sandbox limits for an episode: its call budget, and wall time for slow machines."""
    return SandboxLimits(
        max_calls=episode.budget.max_calls + 1,
        wall_seconds=30.0 + 2.0 * episode.budget.max_sim_seconds,
    )


def perceive(world: World, perception: Perception) -> SceneState:
    """The scene as perception and the robot see it now."""
    return perceived_scene(perception.detect(), world.robot.robot_state())


def run_program(
    episode: Episode,
    program: str,
    world: World | Any,
    *,
    registry: Registry = DEFAULT,
    perception: str = "privileged",
    perception_options: dict[str, Any] | None = None,
    limits: SandboxLimits | None = None,
    on_event: Callable[[CallEvent], None] | None = None,
    reset: bool = True,
    before_run: Callable[[], None] | None = None,
    pause_on_failure: bool = False,
    helpers: ProgramHelp | None = None,
    state: ProgramState | None = None,
    prelude: str = "",
) -> Feedback:
    """Reset the world to ``episode``, run ``program`` in the sandbox, judge the final scene.

    Args:
        episode: The concrete episode (objects, instruction, success condition, budget).
        program: Python source written against ``registry``.
        world: The world (its robot is guarded), or one object playing both roles (made into a
            world with :meth:`~codepolicy.envs.roles.World.of`).
        registry: The primitives the program may call (a profile).
        perception: Perception kind the primitives and the feedback use.
        perception_options: Options of that kind (``noise_std`` for ``noisy``).
        limits: Sandbox limits; by default derived from the episode budget.
        on_event: Called with each primitive call's event as soon as it completes.
        reset: Reset the world first; ``False`` continues from the current scene (replanning).
        before_run: Called after the reset, just before the program starts (e.g. start a video).
        pause_on_failure: Stop the program at its first failed primitive call (status
            ``aborted``, with that call's error), leaving the world as it is — closed-loop
            replanning continues from there.
        helpers: Writes the functions the program calls but nobody defined (Code as Policies'
            function generation), and serves the profile's helper LMPs (``parse_position`` and
            friends) while the program runs; without it those fail with ``ModelRequired``.
        state: The variables and functions earlier programs of the same session left; the
            program starts with them and leaves its own there (see
            :func:`codepolicy.planning.instructions.run_programs`).
        prelude: Function definitions run before the program and the session's carried ones (a
            skill library's functions): the program may call them, and its line numbers stay
            its own.
    """
    started = time.perf_counter()
    world = as_world(world)
    if episode.world != "tabletop" and world.name != episode.world:
        raise ConfigError(
            f"episode of '{episode.scenario}' runs in the adapter world '{episode.world}', "
            f"not on the '{world.name}' backend"
        )
    if reset:
        world.scene.reset(spawns(episode), seed=episode.seed)
    seen = make_perception(perception, world, seed=episode.seed, **(perception_options or {}))
    initial = perceive(world, seen)
    if before_run is not None:
        before_run()
    ctx = PrimitiveContext(robot=world.robot, perception=seen, frame=world.frame)
    host = EpisodeHost(ctx, Budget(episode.budget.max_calls, episode.budget.max_sim_seconds))
    state = state if state is not None else ProgramState()
    carry = dict(state.variables)
    if registry.context is not None:
        carry.update(registry.context([d.name for d in seen.detect()]))
    if helpers is not None:
        program = helpers.complete(
            program,
            registry,
            episode.instruction,
            defined=[*defined_functions(prelude), *state.functions(), *carry],
        )
        ctx.lmps = helpers.lmps(registry, host.dispatch, episode.seed)
    with Session(
        program,
        registry,
        host.dispatch,
        limits=jail_for_backend(limits or default_limits(episode), world.robot.unwrapped),
        seed=episode.seed,
        after_call=on_event,
        carry=carry,
        prelude="\n\n".join(p for p in (prelude, state.prelude()) if p),
        keep=True,
    ) as session:
        failed: CallEvent | None = None
        if pause_on_failure:
            while (event := session.step()) is not None:
                if event.error is not None:
                    failed = event
                    session.abort()
                    break
        execution = session.run() if failed is None else _paused(session, failed)
    state.update(program, execution.kept)
    source = change_source(perception, has_ground_truth=world.scene.has_ground_truth)
    feedback = judge(episode, execution, world, seen, initial, ctx.said, started, source=source)
    moving = {spec.name for spec in registry if spec.moves_robot}
    note = idle_note(
        program, execution.events, moving=moving, succeeded=feedback.success, completed=execution.ok
    )
    return feedback.model_copy(update={"idle": note}) if note else feedback


def _paused(session: Session, failed: CallEvent) -> ExecutionResult:
    """The result of a run stopped at a failed call, carrying that call's error."""
    assert failed.error is not None
    return ExecutionResult(
        status=Status.aborted,
        events=list(session.events),
        n_calls=len(session.events),
        error=ProgramError(
            kind=ErrorKind.halt,
            type=failed.error.code,
            message=failed.error.message,
            line=failed.line,
            source_line=failed.source_line,
        ),
        jail=dict(session.jail),
    )


def judge(
    episode: Episode,
    execution: ExecutionResult,
    world: World,
    perception: Perception,
    initial: SceneState,
    said: list[str],
    started: float,
    *,
    source: str | None = None,
) -> Feedback:
    """Evaluate the final scene and assemble the feedback of a finished run.

    The success check reads the scene's ground truth; the feedback's scene text and "what
    changed" are what ``perception`` sees.

    Args:
        initial: The perceived scene when the program started (changes are measured from it).
        started: ``time.perf_counter()`` when the run started.
        source: Whose view the changes are (:func:`codepolicy.feedback.seen.change_source`);
            with one, they are compared detection by detection (objects no longer seen, newly
            seen), never from ground truth; None: privileged, exact.
    """
    final = perceive(world, perception)
    truth = world.scene.observe() if world.scene.has_ground_truth else final
    evaluation = evaluate(episode.success, truth)
    explanation = evaluation.explanation
    if not world.scene.has_ground_truth:
        explanation = f"{explanation} ({JUDGED_FROM_PERCEPTION})"
    error = None
    if execution.error is not None and execution.error.kind is not ErrorKind.aborted:
        err = execution.error
        error = ErrorReport(
            type=err.type or err.kind.value,
            message=err.message,
            line=err.line,
            source_line=err.source_line,
        )
    return Feedback(
        scenario=episode.scenario,
        seed=episode.seed,
        instruction=episode.instruction,
        backend=world.name,
        status=status_from(execution, evaluation.success),
        success=evaluation.success,
        executable=execution.ok,
        reward=evaluation.reward,
        explanation=explanation,
        evaluation=evaluation,
        steps=execution.events,
        error=error,
        vet=execution.vet if execution.vet is not None and not execution.vet.ok else None,
        scene=describe_scene(final),
        changes=(
            describe_seen_changes(initial, final) if source else describe_changes(initial, final)
        ),
        changes_source=source,
        said=list(said),
        output=execution.output,
        env_success=_env_success(truth),
        sim_time=sum(e.sim_time or 0.0 for e in execution.events),
        wall_time=time.perf_counter() - started,
        jail=active_layers(execution.jail),
    )


def _env_success(scene: SceneState) -> bool | None:
    """An adapter world's own success signal, when the scene carries one."""
    value = scene.extras.get("env_is_success")
    return None if value is None else bool(value)
