"""The sim-before-real gate: a program reaches the robot only after it succeeded in a twin."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.robot.gate import twin_gate, twin_spawns
from codepolicy.robot.log import read_log
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode
from tests.robot.helpers import CLI, Served, env

pytestmark = pytest.mark.timeout(150)


def _moves(served: Served) -> int:
    return sum(1 for r in read_log(served.log) if r["event"] == "command" and r["op"] == "move_tcp")


def _run(served: Served, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "run", "pick-place", "--backend", "remote", "--robot", served.address,
         "--key-file", str(served.key_file), "--gate", "twin", "--json", *extra],
        capture_output=True, text=True, timeout=120, env=env(),
    )  # fmt: skip


def test_a_program_failing_in_the_twin_never_moves_the_robot(
    server: Served, tmp_path: Path
) -> None:
    episode = sample_episode(get_scenario("pick-place"), seed=0)
    wrong = tmp_path / "wrong.py"
    wrong.write_text(f"pick_and_place({episode.variables['block']!r}, 'top left corner')\n")
    before = _moves(server)
    done = _run(server, "--program", str(wrong))
    assert done.returncode == 1, done.stderr[-2000:]
    assert (
        "Gate: the twin run ended with status failed; nothing was sent to the robot" in done.stderr
    )
    assert json.loads(done.stdout)["status"] == "failed"
    assert _moves(server) == before


def test_a_program_passing_the_twin_runs_on_the_robot(server: Served) -> None:
    before = _moves(server)
    done = _run(server)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Gate: the twin run achieved the task; sending it to the robot" in done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "success" and report["backend"] == "remote"
    assert _moves(server) > before


def test_twin_rebuilds_the_robot_scene() -> None:
    episode = sample_episode(get_scenario("blocks-in-bowl"), seed=3)
    robot = KinematicBackend()
    verdict = twin_gate(episode, "say('nothing')", robot, make_twin=KinematicBackend)
    assert not verdict.passed and verdict.twin.status.value == "failed"
    scene = robot.observe()
    rebuilt = KinematicBackend()
    twin_scene = rebuilt.reset(twin_spawns(scene), seed=0)
    for name, obj in scene.objects.items():
        assert abs(twin_scene[name].position[0] - obj.position[0]) < 1e-6
        assert abs(twin_scene[name].position[1] - obj.position[1]) < 1e-6


def test_gate_twin_refuses_llm_planning(server: Served) -> None:
    done = _run(server, "--planner", "llm", "--model", "x")
    assert done.returncode == 2 and "--gate twin runs a fixed program" in done.stderr


def test_twin_rebuilds_stacks_whatever_order_the_scene_lists_them() -> None:
    from codepolicy.envs.physics import PhysicsBackend
    from codepolicy.envs.state import ObjectState, SceneState

    cube, bowl = (0.04, 0.04, 0.04), (0.14, 0.14, 0.05)
    scene = SceneState(
        objects={  # the top of each stack first, as a scene seen after the robot moved things
            "green block": ObjectState("green block", "block", "green", (0.1, -0.5, 0.1), cube),
            "red block": ObjectState("red block", "block", "red", (0.1, -0.5, 0.06), cube),
            "yellow block": ObjectState("yellow block", "block", "yellow", (-0.15, -0.45, 0.026), cube),
            "blue block": ObjectState("blue block", "block", "blue", (0.1, -0.5, 0.02), cube),
            "blue bowl": ObjectState("blue bowl", "bowl", "blue", (-0.15, -0.45, 0.025), bowl),
        }
    )  # fmt: skip
    spawned = [s.name for s in twin_spawns(scene)]
    assert spawned.index("blue block") < spawned.index("red block") < spawned.index("green block")
    assert spawned.index("blue bowl") < spawned.index("yellow block")
    twin = PhysicsBackend()
    try:
        rebuilt = twin.reset(twin_spawns(scene), seed=0).objects
    finally:
        twin.close()
    for name in ("blue block", "red block", "green block"):
        assert abs(rebuilt[name].position[2] - scene.objects[name].position[2]) < 0.005, name
        assert abs(rebuilt[name].position[0] - 0.1) < 0.005, name
    assert rebuilt["yellow block"].position[2] < 0.04  # in the bowl, not on its rim
