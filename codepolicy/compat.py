"""Call forms from before the robot/scene split, for code written against them.

``run_episode(episode, program, backend=...)`` and ``make_backend(kind)`` predate
:class:`~codepolicy.envs.roles.World` and the pipeline. They keep working here, on top of the new
seams: a bare backend (one object playing both roles) is made into a world, so its robot is
guarded once like everywhere else. New code uses :func:`codepolicy.envs.backend.make_world`,
:func:`codepolicy.runner.episode.run_program` or :func:`codepolicy.run_episode`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codepolicy.envs.backend import BACKENDS, make_world
from codepolicy.envs.roles import as_world
from codepolicy.feedback.model import Feedback
from codepolicy.llm.base import Model
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry
from codepolicy.runner.episode import run_program, spawns, world_kind
from codepolicy.runner.state import ProgramState
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.sampler import Episode

__all__ = ["BACKENDS", "make_backend", "run_episode", "spawns", "world_kind"]


def make_backend(kind: str, *, gui: bool = False) -> Any:
    """A fresh backend of kind ``kind``: the one object playing both roles of
    :func:`~codepolicy.envs.backend.make_world`'s world (``reset``, ``observe``, ``move_tcp``...)."""
    return make_world(kind, **({"gui": True} if gui else {})).robot.unwrapped


def run_episode(
    episode: Episode,
    program: str,
    *,
    backend: Any,
    registry: Registry = DEFAULT,
    limits: SandboxLimits | None = None,
    noise_std: float = 0.0,
    on_event: Callable[[CallEvent], None] | None = None,
    reset: bool = True,
    before_run: Callable[[], None] | None = None,
    pause_on_failure: bool = False,
    model: Model | None = None,
    state: ProgramState | None = None,
    perception: str = "privileged",
) -> Feedback:
    """:func:`~codepolicy.runner.episode.run_program` with the older keyword form."""
    from codepolicy.planning.lmp import ModelHelp

    options: dict[str, Any] = {}
    if perception == "privileged" and noise_std > 0:
        perception, options = "noisy", {"noise_std": noise_std}
    elif perception == "noisy":
        options = {"noise_std": noise_std or 0.005}
    return run_program(
        episode,
        program,
        as_world(backend),
        registry=registry,
        perception=perception,
        perception_options=options,
        limits=limits,
        on_event=on_event,
        reset=reset,
        before_run=before_run,
        pause_on_failure=pause_on_failure,
        helpers=ModelHelp(model) if model is not None else None,
        state=state,
    )
