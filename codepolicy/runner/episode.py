"""Run one program on one episode and return its feedback.

Example:
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=0)
    >>> program = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    >>> feedback = run_episode(episode, program, backend=make_backend("kinematic"))
    >>> feedback.status.value, feedback.success
    ('success', True)
"""

from __future__ import annotations

import time
from collections.abc import Callable

from codepolicy.envs.backend import Backend, ObjectSpawn
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.safety import GuardedBackend
from codepolicy.envs.state import SceneState
from codepolicy.feedback.model import ErrorReport, Feedback, status_from
from codepolicy.feedback.scene import describe_changes, describe_scene
from codepolicy.llm.base import Model
from codepolicy.planning.lmp import ModelLMPs, define_missing_functions
from codepolicy.primitives.cap_lmps import HELPER_NAMES
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry
from codepolicy.runner.host import Budget, EpisodeHost
from codepolicy.runner.state import ProgramState
from codepolicy.sandbox.layers import active_layers
from codepolicy.sandbox.layers import for_backend as jail_for_backend
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.result import CallEvent, ErrorKind, ExecutionResult, ProgramError, Status
from codepolicy.sandbox.session import Session
from codepolicy.scenario.sampler import Episode
from codepolicy.success import evaluate

BACKENDS = ("physics", "kinematic")


def make_backend(kind: str, *, gui: bool = False) -> Backend:
    """A fresh backend of the given kind (``"physics"``, ``"kinematic"`` or an adapter world such
    as ``"panda-pick-and-place"``).

    Raises:
        ValueError: unknown kind, naming the known ones.
        MissingExtraError: an adapter world whose env package is not installed.
    """
    if kind == "kinematic":
        return KinematicBackend()
    if kind == "physics":
        from codepolicy.envs.physics import PhysicsBackend

        return PhysicsBackend(gui=gui)
    from codepolicy.envs.adapters.spec import spec_names

    if kind in spec_names():
        from codepolicy.envs.adapters import AdapterBackend

        return AdapterBackend(kind)
    known = [*BACKENDS, *spec_names()]
    raise ValueError(f"unknown backend '{kind}'; known backends: {', '.join(known)}")


def world_kind(episode: Episode, backend: str) -> str:
    """The backend an episode runs on: its adapter world, or ``backend`` for a tabletop episode
    (an adapter world's env decides the layout, so no tabletop backend can stand in for it)."""
    return episode.world if episode.world != "tabletop" else backend


def spawns(episode: Episode) -> list[ObjectSpawn]:
    """The episode's objects as backend spawn specs."""
    return [ObjectSpawn(o.name, o.kind, o.color, o.x, o.y, o.yaw) for o in episode.objects]


def default_limits(episode: Episode) -> SandboxLimits:
    """Sandbox limits for an episode: its call budget, and wall time for slow machines."""
    return SandboxLimits(
        max_calls=episode.budget.max_calls + 1,
        wall_seconds=30.0 + 2.0 * episode.budget.max_sim_seconds,
    )


def run_episode(
    episode: Episode,
    program: str,
    *,
    backend: Backend,
    registry: Registry = DEFAULT,
    limits: SandboxLimits | None = None,
    noise_std: float = 0.0,
    on_event: Callable[[CallEvent], None] | None = None,
    reset: bool = True,
    before_run: Callable[[], None] | None = None,
    pause_on_failure: bool = False,
    model: Model | None = None,
    state: ProgramState | None = None,
) -> Feedback:
    """Reset the world to ``episode``, run ``program`` in the sandbox, judge the final scene.

    Args:
        episode: The concrete episode (objects, instruction, success condition, budget).
        program: Python source written against ``registry``.
        backend: The world; it is wrapped in the safety guard.
        registry: The primitives the program may call (a profile).
        limits: Sandbox limits; by default derived from the episode budget.
        noise_std: Position noise of perception, metres.
        on_event: Called with each primitive call's event as soon as it completes.
        reset: Reset the world first; ``False`` continues from the current scene (replanning).
        before_run: Called after the reset, just before the program starts (e.g. start a video).
        pause_on_failure: Stop the program at its first failed primitive call (status
            ``aborted``, with that call's error), leaving the world as it is — closed-loop
            replanning continues from there.
        model: Writes the functions the program calls but nobody defined (Code as Policies'
            function generation), and serves the profile's helper LMPs (``parse_position`` and
            friends) while the program runs; without one those fail with ``ModelRequired``.
        state: The variables and functions earlier programs of the same session left; the
            program starts with them and leaves its own there (see
            :func:`codepolicy.runner.instructions.run_programs`).
    """
    started = time.perf_counter()
    if episode.world != "tabletop" and backend.name != episode.world:
        raise ValueError(
            f"episode of '{episode.scenario}' runs in the adapter world '{episode.world}', "
            f"not on the '{backend.name}' backend"
        )
    initial = backend.reset(spawns(episode), seed=episode.seed) if reset else backend.observe()
    if before_run is not None:
        before_run()
    guarded = GuardedBackend(backend)
    ctx = PrimitiveContext.for_backend(guarded, noise_std=noise_std, seed=episode.seed)
    host = EpisodeHost(ctx, Budget(episode.budget.max_calls, episode.budget.max_sim_seconds))
    state = state if state is not None else ProgramState()
    carry = dict(state.variables)
    if registry.context is not None:
        carry.update(registry.context([d.name for d in ctx.perception.detect()]))
    if model is not None:
        program = define_missing_functions(
            program, model, registry, episode.instruction, defined=[*state.functions(), *carry]
        )
        if any(name in registry for name in HELPER_NAMES):
            ctx.lmps = ModelLMPs(model, registry, host.dispatch, seed=episode.seed)
    with Session(
        program,
        registry,
        host.dispatch,
        limits=jail_for_backend(limits or default_limits(episode), backend),
        seed=episode.seed,
        after_call=on_event,
        carry=carry,
        prelude=state.prelude(),
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
    return judge(episode, execution, backend, initial, ctx.said, started)


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
    backend: Backend,
    initial: SceneState,
    said: list[str],
    started: float,
) -> Feedback:
    """Evaluate the final scene and assemble the feedback of a finished run.

    Args:
        initial: The scene when the program started (what changed is measured from it).
        started: ``time.perf_counter()`` when the run started.
    """
    final = backend.observe()
    evaluation = evaluate(episode.success, final)
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
        backend=backend.name,
        status=status_from(execution, evaluation.success),
        success=evaluation.success,
        executable=execution.ok,
        reward=evaluation.reward,
        explanation=evaluation.explanation,
        evaluation=evaluation,
        steps=execution.events,
        error=error,
        vet=execution.vet if execution.vet is not None and not execution.vet.ok else None,
        scene=describe_scene(final),
        changes=describe_changes(initial, final),
        said=list(said),
        output=execution.output,
        env_success=_env_success(final),
        sim_time=sum(e.sim_time or 0.0 for e in execution.events),
        wall_time=time.perf_counter() - started,
        jail=active_layers(execution.jail),
    )


def _env_success(scene: SceneState) -> bool | None:
    """An adapter world's own success signal, when the scene carries one."""
    value = scene.extras.get("env_is_success")
    return None if value is None else bool(value)
