"""Network faults between client and server (through a loopback proxy) end the episode clearly."""

from __future__ import annotations

import json
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from codepolicy.robot.client import RobotClient
from codepolicy.robot.errors import RobotLinkLost
from tests.robot.helpers import CLI, Proxy, Served, env, serve

pytestmark = pytest.mark.timeout(120)


def _port(address: str) -> int:
    port = urlsplit(address).port
    assert port is not None
    return port


def _run(served: Served, address: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "run", "pick-place", "--backend", "remote", "--robot", address,
         "--key-file", str(served.key_file), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
    )  # fmt: skip


@pytest.mark.parametrize("fault", ["partition", "drop"])
def test_fault_mid_episode_ends_it_with_link_lost(realtime: Served, fault: str) -> None:
    proxy = Proxy(_port(realtime.address))
    run = _run(realtime, proxy.address)
    try:
        time.sleep(3.0)
        assert run.poll() is None, "the episode ended before the fault"
        proxy.set_mode(fault)
        faulted = time.monotonic()
        out, err = run.communicate(timeout=30)
        ended = time.monotonic() - faulted
    finally:
        run.kill()
        proxy.close()
    assert run.returncode == 1, err[-2000:]
    report = json.loads(out)
    assert report["status"] == "robot_link_lost"
    assert "lost the link to the robot server" in report["error"]["message"]
    assert "Episode ended: lost the link" in err
    assert ended < 10, f"the episode took {ended:.1f} s to end after the {fault}"
    with realtime.observer() as watcher:
        state = watcher.request("state")
        assert not state["moving"] and not state["controlled"]


def test_delay_is_tolerated(realtime: Served) -> None:
    proxy = Proxy(_port(realtime.address), delay=0.02)
    proxy.set_mode("delay")
    run = _run(realtime, proxy.address)
    try:
        out, err = run.communicate(timeout=90)
    finally:
        run.kill()
        proxy.close()
    assert run.returncode == 0, err[-2000:]
    assert json.loads(out)["status"] == "success"


def test_no_server_means_a_clear_error_not_a_hang() -> None:
    started = time.monotonic()
    with pytest.raises(RobotLinkLost, match="no reply from the robot server"):
        RobotClient("tcp://127.0.0.1:9", bytes(32), connect_timeout=1.0).connect()
    assert time.monotonic() - started < 3


def test_server_going_away_ends_requests(tmp_path_factory: pytest.TempPathFactory) -> None:
    served = serve(tmp_path_factory.mktemp("robot-dies"), rate=1.0)
    client = RobotClient(served.address, served.key)
    client.connect()
    try:
        served.proc.kill()
        served.proc.wait(5)
        started = time.monotonic()
        with pytest.raises(RobotLinkLost):
            client.request("move_tcp", {"target": [0.0, -0.5, 0.3], "speed": 0.1})
        assert time.monotonic() - started < 3
        assert not client.is_connected
    finally:
        client.disconnect()
        served.stop()
