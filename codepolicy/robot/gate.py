"""The sim-before-real gate: a program reaches the robot only after it achieved the task in a twin.

The twin is our physics world built from the robot's current scene: every object at its measured
position and heading, stacks included (supports are spawned first, and the physics world drops an
object whose footprint overlaps one already placed onto it: a block on a block, a block in a
bowl). The program runs there first, in the same sandbox; it is sent to the robot only if the twin
run achieved the task without a safety stop. Otherwise the run stops with the twin's feedback and
the robot never moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codepolicy.compat import run_episode, spawns
from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.state import SceneState
from codepolicy.feedback.model import Feedback, FeedbackStatus
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.sampler import Episode

GATES = ("twin", "none")


@dataclass(frozen=True)
class GateResult:
    """The twin's verdict.

    Attributes:
        passed: Whether the program may go to the robot.
        twin: The twin run's feedback.
        reason: One sentence for the operator.
    """

    passed: bool
    twin: Feedback
    reason: str


RESTING_ON_TABLE = 0.005
"""An object whose bottom is at most this high (m) stands on the table; higher, on another."""


def twin_spawns(scene: SceneState) -> list[ObjectSpawn]:
    """Spawn specs that rebuild ``scene``, headings from the objects' quaternions: what stands on
    the table first (in scene order), then each object above its supports, lowest first."""
    out = []
    order = sorted(
        scene.objects.values(),
        key=lambda o: o.bottom_z if o.bottom_z > RESTING_ON_TABLE else 0.0,
    )
    for obj in order:
        x, y, z, w = obj.orientation
        yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
        out.append(
            ObjectSpawn(obj.name, obj.kind, obj.color, obj.position[0], obj.position[1], yaw)
        )
    return out


def twin_gate(
    episode: Episode,
    program: str,
    robot: Any,
    *,
    make_twin: Callable[[], Any] | None = None,
    on_event: Callable[[CallEvent], None] | None = None,
) -> GateResult:
    """Reset the robot's scene to ``episode``, rebuild it in a twin and run ``program`` there.

    Args:
        robot: The robot backend (its scene role is read, never moved here).
        make_twin: A fresh twin world (the physics backend by default).
        on_event: Called with each of the twin run's primitive calls.
    """
    if make_twin is None:
        from codepolicy.envs.physics import PhysicsBackend

        make_twin = PhysicsBackend
    scene = robot.reset(spawns(episode), seed=episode.seed)
    twin = make_twin()
    try:
        twin.reset(twin_spawns(scene), seed=episode.seed)
        feedback = run_episode(episode, program, backend=twin, reset=False, on_event=on_event)
    finally:
        twin.close()
    if feedback.success and feedback.status is FeedbackStatus.success:
        return GateResult(True, feedback, "the twin run achieved the task; sending it to the robot")
    return GateResult(
        False,
        feedback,
        f"the twin run ended with status {feedback.status.value}; nothing was sent to the robot",
    )


def gated_run(pipe: Any, episode: Episode, say: Callable[[str], None]) -> Any:
    """Run the pipeline's fixed program (its ``program`` or the oracle's) in a digital twin first,
    then on the robot only if the twin achieved the task; an ``EpisodeResult`` either way (planner
    ``twin-gate`` when the robot did not move).

    Raises:
        ConfigError: the pipeline runs a session of several programs.
    """
    from codepolicy.errors import ConfigError
    from codepolicy.oracle import oracle_program
    from codepolicy.pipeline import EpisodeResult
    from codepolicy.planning.strategies import Round, Solution

    source = pipe.settings.program or oracle_program(episode)
    if not isinstance(source, str):
        raise ConfigError(
            "--gate twin runs one program; run a session of several programs with --gate none"
        )
    say("Gate: running the program in a digital twin first")
    verdict = twin_gate(episode, source, pipe.world.scene)
    say(f"Gate: {verdict.reason}")
    if not verdict.passed:
        rounds = [Round(0, "twin", source, verdict.twin, executed=False)]
        return EpisodeResult(episode, Solution(verdict.twin, rounds), "twin-gate", pipe.usage)
    feedback = pipe.execute(episode, source, reset=False)
    solution = Solution(feedback, [Round(0, "program", source, feedback)])
    return EpisodeResult(episode, solution, pipe.planner.name, pipe.usage)
