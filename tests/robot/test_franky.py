"""The franky driver end to end against franky-sim (a MuJoCo FR3 speaking libfranka's protocol).

Each test starts its own simulator on its own loopback address, and every step runs under a
timeout. Known limits of the simulator, designed around here: it models an FR3, never raises robot
errors, its gripper goes to the commanded width (a grasp on nothing "succeeds"), and its reported
Cartesian pose is the commanded one — so motions are checked on the measured joints, after settling.
"""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("franky", reason="needs franky-control: pip install 'codepolicy[franky]'")
pytest.importorskip("franky_sim", reason="needs franky-sim from PyPI")

from codepolicy.compat import run_episode
from codepolicy.envs.backend import GripperResult, MoveResult
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.robot.client import RobotClient
from codepolicy.robot.drivers.franky import HOME_Q, FrankyDriver, make
from codepolicy.robot.errors import RobotError
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode
from tests.robot.helpers import CLI, free_port

pytestmark = pytest.mark.timeout(180)

_HOSTS = itertools.count(40)
NEVER = lambda: False  # noqa: E731


def _sim_binary() -> str:
    found = shutil.which("franky-sim") or str(Path(sys.executable).parent / "franky-sim")
    return found


@pytest.fixture
def sim() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A franky-sim process on a loopback address of its own (ready within 60 s)."""
    host = f"127.0.0.{next(_HOSTS)}"
    proc = subprocess.Popen(
        [_sim_binary(), "--simulator", "mujoco", "--hostname", host],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 60
    while not any("Connect to the server" in line for line in lines):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"franky-sim did not start on {host}: {''.join(lines)[-2000:]}")
        time.sleep(0.1)
    yield host, proc
    proc.kill()
    proc.wait(10)


def _driver(host: str) -> FrankyDriver:
    driver = make(
        {"host": host, "realtime": "ignore", "simulated": "1", "home": "1", "table_z": "-0.1"}
    )
    assert isinstance(driver, FrankyDriver)
    return driver


def _settled_joints(driver: FrankyDriver) -> tuple[float, ...]:
    """Joints once they stop changing (1 mrad over 0.2 s), at most 3 s."""
    last = driver.state().joints
    for _ in range(15):
        time.sleep(0.2)
        now = driver.state().joints
        if max(abs(a - b) for a, b in zip(now, last, strict=True)) < 1e-3:
            return now
        last = now
    raise AssertionError("joints did not settle")


def test_joint_motion_reaches_home(sim: tuple[str, subprocess.Popen[str]]) -> None:
    driver = _driver(sim[0])
    joints = _settled_joints(driver)
    assert max(abs(a - b) for a, b in zip(joints, HOME_Q, strict=True)) < 0.02
    target = [0.2, -0.4, 0.1, -2.3, 0.0, 2.0, 0.9]
    assert driver.move_joints(target, NEVER) is None
    assert max(abs(a - b) for a, b in zip(_settled_joints(driver), target, strict=True)) < 0.02


def test_cartesian_moves_reach_targets_by_the_joints(
    sim: tuple[str, subprocess.Popen[str]],
) -> None:
    driver = _driver(sim[0])
    previous = _settled_joints(driver)
    for target in [(0.0, -0.5, 0.2), (0.12, -0.45, 0.15), (-0.1, -0.6, 0.25)]:
        result = driver.move_tcp(
            target, speed=0.5, accel=2.0, stop_on_contact=False, should_stop=NEVER
        )
        assert result.ok, result
        joints = _settled_joints(driver)
        assert max(abs(a - b) for a, b in zip(joints, previous, strict=True)) > 0.01, (
            "joints did not move"
        )
        assert math.dist(driver.tcp(), target) < 0.005
        previous = joints


def test_gripper_goes_to_the_commanded_width(sim: tuple[str, subprocess.Popen[str]]) -> None:
    driver = _driver(sim[0])
    opened = driver.set_gripper(True, 0.06, None, NEVER)
    assert abs(opened.opening - 0.06) < 0.003
    closed = driver.set_gripper(False, None, 20.0, NEVER)
    assert closed.opening < 0.005  # a grasp on nothing: the sim closes fully
    assert closed.held is None  # no scene knowledge on this driver


class _Recorder(KinematicBackend):
    """Records the motions the primitives ask for."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[object, ...], dict[str, object]]] = []

    def move_tcp(self, target, *, speed=0.5, stop_on_contact=False) -> MoveResult:  # type: ignore[no-untyped-def]
        self.calls.append(
            ("move_tcp", (tuple(target),), {"speed": speed, "stop_on_contact": stop_on_contact})
        )
        return super().move_tcp(target, speed=speed, stop_on_contact=stop_on_contact)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        self.calls.append(("set_gripper", (open, width), {}))
        return super().set_gripper(open, width)


def test_the_primitives_moves_through_the_robot_server(
    sim: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    episode = sample_episode(get_scenario("pick-place"), seed=0)
    recorder = _Recorder()
    program = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    assert run_episode(episode, program, backend=recorder).success
    moves = recorder.calls
    assert len(moves) > 6
    key = tmp_path / "k"
    subprocess.run([*CLI, "robot", "keygen", str(key)], check=True, capture_output=True, timeout=30)
    address = f"tcp://127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [*CLI, "robot", "serve", "--driver", "franky", "--listen", address, "--key-file", str(key),
         "--quiet", "--driver-option", f"host={sim[0]}", "--driver-option", "realtime=ignore",
         "--driver-option", "simulated=1", "--driver-option", "home=1", "--driver-option", "table_z=-0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        from codepolicy.robot.keys import read_key_file

        client = RobotClient(address, read_key_file(key), link_timeout=3.0, connect_timeout=1.0)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.connect()
                break
            except RobotError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr
                time.sleep(0.5)
        assert client.info["driver"] == "franky" and client.info["scene"] is False
        with client:
            for op, args, kwargs in moves:
                if op == "move_tcp":
                    result = client.request(
                        "move_tcp", {"target": list(args[0]), **kwargs}, timeout=30
                    )
                    assert result["ok"], (args, result)
                    assert math.dist(result["reached"], args[0]) < 0.005
                else:
                    body = {"open": args[0]} | ({"width": args[1]} if args[1] is not None else {})
                    client.request("set_gripper", body, timeout=30)
            state = client.request("state")
            assert math.dist(state["tcp"], moves[-1][1][0]) < 0.005  # type: ignore[arg-type]
    finally:
        server.terminate()
        server.wait(20)


def test_a_lost_server_is_an_error_not_a_hang(sim: tuple[str, subprocess.Popen[str]]) -> None:
    driver = _driver(sim[0])
    done: dict[str, object] = {}

    def slow_move() -> None:
        try:
            done["result"] = driver.move_tcp(
                (0.2, -0.7, 0.15), speed=0.05, accel=1.0, stop_on_contact=False, should_stop=NEVER
            )
        except Exception as exc:
            done["error"] = exc

    mover = threading.Thread(target=slow_move)
    mover.start()
    time.sleep(0.5)
    sim[1].kill()
    mover.join(70)
    assert not mover.is_alive(), "the move hung after the simulator died"
    result = done.get("result")
    assert "error" in done or (isinstance(result, MoveResult) and not result.ok)


def test_halt_stops_a_move(sim: tuple[str, subprocess.Popen[str]]) -> None:
    driver = _driver(sim[0])
    stop_at = time.monotonic() + 0.4
    result = driver.move_tcp((0.2, -0.7, 0.15), speed=0.1, accel=1.0, stop_on_contact=False,
                             should_stop=lambda: time.monotonic() > stop_at)  # fmt: skip
    assert not result.ok and result.reason == "halted"
    _settled_joints(driver)
    assert math.dist(driver.tcp(), (0.2, -0.7, 0.15)) > 0.1
