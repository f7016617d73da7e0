"""The server enforces the robot's limits whatever a (modified) client sends."""

from __future__ import annotations

import math

import pytest

from codepolicy.robot.client import RobotClient
from codepolicy.robot.errors import RobotRefused
from codepolicy.robot.log import read_log
from tests.robot.helpers import Served

pytestmark = pytest.mark.timeout(60)

OUT_OF_LIMITS = [
    ("move_tcp", {"target": [0.0, -0.5, 0.9], "speed": 0.5}, "outside the workspace box"),
    ("move_tcp", {"target": [0.6, -0.5, 0.2], "speed": 0.5}, "outside the workspace box"),
    ("move_tcp", {"target": [0.0, -0.5, -0.1], "speed": 0.5}, "outside the workspace box"),
    ("move_tcp", {"target": [0.0, -0.5, 0.2], "speed": 5.0}, "speed 5.000 m/s"),
    ("move_tcp", {"target": [0.0, -0.5, 0.2], "speed": 0.5, "accel": 20.0}, "acceleration"),
    ("set_gripper", {"open": False, "force": 500.0}, "gripper force 500.0 N"),
    ("set_gripper", {"open": True, "width": 0.5}, "gripper width"),
    ("wait", {"seconds": 3600.0}, "wait of 3600.000 s"),
]


@pytest.mark.parametrize(("op", "args", "why"), OUT_OF_LIMITS)
def test_out_of_limit_command_is_refused_and_nothing_moves(
    server: Served, op: str, args: dict[str, object], why: str
) -> None:
    with RobotClient(server.address, server.key, name="modified client") as client:
        before = client.request("state")
        with pytest.raises(RobotRefused, match=why):
            client.request(op, args)
        after = client.request("state")
    assert math.dist(before["tcp"], after["tcp"]) < 1e-4
    assert after["sim_time"] == before["sim_time"]
    refused = [r for r in read_log(server.log) if r["event"] == "refused" and r.get("op") == op]
    assert any(why in r["reason"] and r["asked"] == args for r in refused)


@pytest.mark.parametrize(
    ("args", "why"),
    [
        ({"target": [0.0, "x", 0.2], "speed": 0.5}, "target must hold finite numbers"),
        ({"target": [0.0, -0.5], "speed": 0.5}, "target must be a list of 3"),
        ({"target": [0.0, -0.5, 0.2]}, "speed is required"),
        ({"target": [0.0, -0.5, 0.2], "speed": 0.5, "stop_on_contact": "yes"}, "true or false"),
    ],
)
def test_malformed_command_gets_a_sentence(
    server: Served, args: dict[str, object], why: str
) -> None:
    from codepolicy.robot.errors import RobotError

    with RobotClient(server.address, server.key) as client, pytest.raises(RobotError, match=why):
        client.request("move_tcp", args)


def test_executed_command_is_logged_with_asked_and_executed(server: Served) -> None:
    with RobotClient(server.address, server.key) as client:
        result = client.request("move_tcp", {"target": [0.05, -0.5, 0.3], "speed": 0.4})
    assert result["ok"] and math.dist(result["reached"], [0.05, -0.5, 0.3]) < 0.005
    entry = [r for r in read_log(server.log) if r["event"] == "command" and r["op"] == "move_tcp"][
        -1
    ]
    assert entry["asked"] == {"target": [0.05, -0.5, 0.3], "speed": 0.4}
    assert entry["executed"]["reached"] == result["reached"]
    assert entry["executed"]["accel"] == 2.0
