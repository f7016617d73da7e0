"""The ``--backend remote`` set-up of ``codepolicy run``: connecting, the gate, the operator's scene."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from codepolicy.cli import operator as op
from codepolicy.cli.common import fail

if TYPE_CHECKING:
    from codepolicy.pipeline import EpisodeResult
    from codepolicy.robot.errors import RobotError
    from codepolicy.scenario.sampler import Episode


def remote_world(
    backend: str,
    episode: Episode,
    planner: str,
    robot: str | None,
    key_file: Path | None,
    confirm: str,
    max_step: float | None,
    gate: str | None,
    operator_scene: Any = None,
) -> tuple[Any, str]:
    """The connected remote world and its gate for ``--backend remote`` (None, "none" otherwise);
    with an operator's scene file, its scene role is that file, confirmed before any motion."""
    if backend != "remote":
        if robot or key_file or confirm != "none" or max_step is not None or gate is not None:
            fail("--robot, --key-file, --confirm, --max-step and --gate need --backend remote")
        return None, "none"
    from codepolicy.cli.robot import open_world
    from codepolicy.envs.roles import World
    from codepolicy.runner.episode import spawns

    if episode.world != "tabletop":
        fail(f"scenario '{episode.scenario}' runs in the {episode.world} world, not on a robot")
    if operator_scene is not None:
        operator_scene.reset(spawns(episode))  # the file must list the task's objects
    raw = open_world(robot, key_file, confirm, max_step, needs_scene=operator_scene is None)
    simulated = bool(raw.client.info.get("simulated"))
    chosen = gate or ("none" if simulated else "twin")
    if chosen not in ("twin", "none"):
        raw.disconnect()
        fail(f"--gate must be twin or none, got '{chosen}'")
    if chosen == "twin" and planner == "llm":
        raw.disconnect()
        fail(
            "--gate twin runs a fixed program (a file or the oracle); with --planner llm use --gate none"
        )
    if operator_scene is None:
        return World.of(raw), chosen
    world = op.operator_world(raw, operator_scene)
    op.confirm_or_stop(operator_scene, world)
    return world, chosen


def gated(pipe: Any, episode: Episode, say: Any) -> EpisodeResult:
    """Run the fixed program in a digital twin first; on the robot only if the twin passes."""
    from codepolicy.robot.gate import gated_run

    result: EpisodeResult = gated_run(pipe, episode, say)
    return result


def robot_failure(episode: Episode, exc: RobotError) -> dict[str, Any]:
    """The ``--json`` object of an episode the robot link ended (no final scene to judge)."""
    return {
        "scenario": episode.scenario,
        "seed": episode.seed,
        "status": exc.code,
        "success": False,
        "error": {"type": type(exc).__name__, "message": str(exc)},
    }
