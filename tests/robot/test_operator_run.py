"""``codepolicy run --backend remote --scene-file FILE``: the operator confirms the scene and grades
the run, answering through stdin; the robot server is a separate process (physics driver)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from codepolicy.pipeline import load_episode
from codepolicy.robot.remote import open_remote
from codepolicy.runner.episode import spawns
from codepolicy.scenario.sampler import Episode
from tests.robot.helpers import CLI, Served, env

pytestmark = pytest.mark.timeout(150)


def _layout(server: Served, tmp_path: Path, scenario: str = "pick-place", seed: int = 0) -> Path:
    """Lay the episode's objects out on the simulated table and write the operator's file of it."""
    episode: Episode = load_episode(scenario, seed)
    with open_remote(server.address, server.key_file) as robot:
        robot.reset(spawns(episode), seed=seed)
    lines = ["# what the operator sees on the table", "objects:"]
    for o in episode.objects:
        lines += [f"  - name: {o.name}", f"    kind: {o.kind}", f"    colour: {o.color}"]
        lines += [f"    x: {o.x:.4f}", f"    y: {o.y:.4f}"]
    path = tmp_path / "scene.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(server: Served, scene: Path, answers: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [*CLI, "run", "pick-place", "--backend", "remote", "--robot", server.address,
           "--key-file", str(server.key_file), "--scene-file", str(scene), *args]  # fmt: skip
    return subprocess.run(
        cmd, input=answers, capture_output=True, text=True, timeout=120, env=env()
    )


def _moves(server: Served) -> int:
    entries = [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]
    return sum(e.get("op") == "move_tcp" for e in entries)


def test_operator_confirms_and_grades_success(server: Served, tmp_path: Path) -> None:
    scene = _layout(server, tmp_path)
    run = _run(
        server, scene, "y\ny\nblue block sits in the bowl\n", "--grade", "operator", "--json"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Is this what is on the table? [y/n]" in run.stderr
    assert "blue block (blue block) at x=" in run.stderr
    assert "Was the task achieved? [y/n]" in run.stderr
    report = json.loads(run.stdout)
    assert report["graded_by"] == "operator"
    assert report["operator_note"] == "blue block sits in the bowl"
    assert report["success"] is True and report["status"] == "success"
    assert report["explanation"] == "graded by operator: achieved: blue block sits in the bowl"
    assert report["scene_source"] == (
        f"operator-confirmed scene file {scene}, updated by the robot's own moves (no ground truth)"
    )
    assert [s["primitive"] for s in report["steps"]] == ["pick_and_place"]


def test_operator_says_not_achieved(server: Served, tmp_path: Path) -> None:
    scene = _layout(server, tmp_path)
    run = _run(server, scene, "y\nno\nit slid off\n", "--grade", "operator")
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Scene knowledge: operator-confirmed scene file" in run.stdout
    assert "graded by operator: not achieved: it slid off" in run.stdout
    assert "Graded by: operator" in run.stdout


def test_unconfirmed_scene_never_moves_the_robot(server: Served, tmp_path: Path) -> None:
    scene = _layout(server, tmp_path)
    before = _moves(server)
    for answers in ("n\n", ""):
        run = _run(server, scene, answers, "--grade", "operator")
        assert run.returncode == 1
        assert "the operator did not confirm the scene; the robot did not move" in run.stderr
    assert _moves(server) == before


def test_no_terminal_falls_back_to_perception_that_follows_the_robots_moves(
    server: Served, tmp_path: Path
) -> None:
    scene = _layout(server, tmp_path)
    run = _run(server, scene, "y\n", "--json")  # stdin is a pipe, not a terminal: auto
    report = json.loads(run.stdout)
    assert report["graded_by"] == "perception" and "operator_note" not in report
    assert "Was the task achieved?" not in run.stderr
    assert "graded by perception (no operator answer)" in report["explanation"]
    assert "the operator's scene as updated by the robot's own moves" in report["explanation"]
    assert report["scene_source"].startswith("operator-confirmed scene file")
    # the block the robot carried is believed where it released it: in the bowl, so achieved
    assert run.returncode == 0 and report["success"] is True, run.stderr[-2000:]
    assert any(c.startswith("blue block") for c in report["changes"]), report["changes"]


def test_privileged_perception_refuses_the_operator_scene(server: Served, tmp_path: Path) -> None:
    scene = _layout(server, tmp_path)
    run = _run(server, scene, "y\n", "--perception", "privileged")
    assert run.returncode == 2
    assert "perception 'privileged' cannot be used here" in run.stderr
    assert "cannot report" in run.stderr and "Traceback" not in run.stderr


def test_scene_that_does_not_match_the_task(server: Served, tmp_path: Path) -> None:
    scene = tmp_path / "other.yaml"
    scene.write_text("objects:\n  - {name: pink block, kind: block, colour: pink, x: 0, y: -0.5}\n")
    run = _run(server, scene, "y\n", "--grade", "auto")
    assert run.returncode == 2
    assert f"the scene file {scene} does not match the task: " in run.stderr
    assert "'blue block' is not listed; 'red block' is not listed" in run.stderr
    assert "Is this what is on the table?" not in run.stderr  # refused before connecting


def test_malformed_scene_file_is_exit_2_with_file_line_field(
    server: Served, tmp_path: Path
) -> None:
    scene = tmp_path / "bad.yaml"
    scene.write_text("objects:\n  - name: red block\n    kind: cube\n    colour: red\n    x: 0\n")
    run = _run(server, scene, "y\n")
    assert run.returncode == 2
    assert f"{scene}:3: objects[0].kind: must be one of block, bowl" in run.stderr
    assert f"{scene}:5: objects[0].y: missing: an object on the table needs x and y" in run.stderr
    assert "Traceback" not in run.stderr
    bad_grade = _run(server, scene, "", "--grade", "sometimes")
    assert bad_grade.returncode == 2 and "--grade must be operator or auto" in bad_grade.stderr


def test_scene_file_needs_the_remote_backend(tmp_path: Path) -> None:
    run = subprocess.run([*CLI, "run", "pick-place", "--scene-file", str(tmp_path / "s.yaml")],
                         capture_output=True, text=True, timeout=60, env=env())  # fmt: skip
    assert run.returncode == 2 and "need --backend remote" in run.stderr


def test_twin_gate_is_built_from_the_scene_file(server: Served, tmp_path: Path) -> None:
    scene = _layout(server, tmp_path)
    run = _run(server, scene, "y\ny\n\n", "--gate", "twin", "--grade", "operator", "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Gate: the twin run achieved the task; sending it to the robot" in run.stderr
    assert run.stderr.index("Is this what is on the table?") < run.stderr.index("Gate:")
    report = json.loads(run.stdout)
    assert report["graded_by"] == "operator" and report["operator_note"] == ""
    assert report["explanation"] == "graded by operator: achieved"


def test_a_stack_in_the_scene_file_is_rebuilt_in_the_twin_and_tracked(
    server: Served, tmp_path: Path
) -> None:
    """The operator's table has the green block on the blue one; the program puts the orange block
    on the green one. Only a twin with the stack rebuilt sees a tower of three (the task)."""
    from codepolicy.envs.roles import ObjectSpawn

    episode = load_episode("stack-blocks", 0)
    objects = {o.name: o for o in episode.objects}
    base = objects["blue block"]
    order = ["blue block", *(n for n in objects if n not in ("blue block", "green block"))]
    layout = [ObjectSpawn(n, objects[n].kind, objects[n].color, objects[n].x, objects[n].y)
              for n in order]  # fmt: skip
    layout.append(ObjectSpawn("green block", "block", "green", base.x, base.y))  # dropped onto it
    with open_remote(server.address, server.key_file) as robot:
        robot.reset(layout, seed=0)
    lines = ["objects:", "  - {name: green block, kind: block, colour: green, on: blue block}"]
    lines += [f"  - {{name: {o.name}, kind: {o.kind}, colour: {o.color}, x: {o.x:.4f}, "
              f"y: {o.y:.4f}}}" for o in episode.objects if o.name != "green block"]  # fmt: skip
    scene = tmp_path / "stack.yaml"
    scene.write_text("\n".join(lines) + "\n")
    program = tmp_path / "top.py"
    program.write_text("pick_and_place('orange block', 'green block')\n")
    cmd = [*CLI, "run", "stack-blocks", "--backend", "remote", "--robot", server.address,
           "--key-file", str(server.key_file), "--scene-file", str(scene), "--gate", "twin",
           "--grade", "auto", "--program", str(program), "--json"]  # fmt: skip
    run = subprocess.run(cmd, input="y\n", capture_output=True, text=True, timeout=120, env=env())
    assert "green block (green block) at x=" in run.stderr and ", on the blue block" in run.stderr
    assert "Gate: the twin run achieved the task; sending it to the robot" in run.stderr, (
        run.stderr[-3000:]
    )
    report = json.loads(run.stdout)
    assert report["graded_by"] == "perception"
    assert run.returncode == 0 and report["success"] is True, report["explanation"]
