"""The PyBullet tabletop world: determinism, isolation, settling, bowls and the camera."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import numpy as np
import pytest

from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.frame import BLOCK_SIZE, BOWL_DIAMETER, BOWL_HEIGHT
from codepolicy.envs.world import TabletopWorld

SCENE = [
    ObjectSpawn("red block", "block", "red", 0.1, -0.5, 0.3),
    ObjectSpawn("blue block", "block", "blue", -0.2, -0.6),
    ObjectSpawn("green bowl", "bowl", "green", 0.15, -0.7, 0.7),
    ObjectSpawn("yellow block", "block", "yellow", -0.1, -0.35, -0.6),
    ObjectSpawn("purple bowl", "bowl", "purple", -0.22, -0.4),
]
OTHER = [
    ObjectSpawn("cyan block", "block", "cyan", 0.0, -0.5),
    ObjectSpawn("gray bowl", "bowl", "gray", 0.2, -0.3),
]

_CHILD = """
import sys
from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.world import TabletopWorld
spawns = [ObjectSpawn(*args) for args in {args!r}]
world = TabletopWorld()
world.reset(spawns, seed=3)
sys.stdout.write(world.state_bytes().hex())
"""


def _args(spawns: list[ObjectSpawn]) -> list[tuple[object, ...]]:
    return [(s.name, s.kind, s.color, s.x, s.y, s.yaw) for s in spawns]


@pytest.fixture(scope="module")
def world() -> TabletopWorld:
    w = TabletopWorld()
    yield w
    w.close()


def test_reset_is_bitwise_identical_across_processes(world: TabletopWorld) -> None:
    world.reset(OTHER)
    world.step(100)
    world.reset(SCENE, seed=3)
    here = world.state_bytes()
    code = _CHILD.format(args=_args(SCENE))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert bytes.fromhex(out.strip().splitlines()[-1]) == here


def test_reset_is_bitwise_identical_in_any_order(world: TabletopWorld) -> None:
    world.reset(SCENE)
    first = world.state_bytes()
    world.reset(OTHER)
    world.step(240)
    world.reset([])
    world.reset(SCENE)
    assert world.state_bytes() == first
    fresh = TabletopWorld()
    try:
        fresh.reset(SCENE)
        assert fresh.state_bytes() == first
    finally:
        fresh.close()


def test_two_worlds_do_not_interfere() -> None:
    a, b = TabletopWorld(), TabletopWorld()
    try:
        a.reset(SCENE)
        b.reset(SCENE)
        before = b.state_bytes()
        # Knock a block off its place in world a and step a lot.
        a.client.resetBaseVelocity(a.body_id("red block"), (1.0, 0.0, 2.0), (0.0, 0.0, 5.0))
        a.step(480)
        assert a.state_bytes() != before
        assert b.state_bytes() == before
        assert a.client._client != b.client._client
    finally:
        a.close()
        b.close()


def test_objects_are_settled_and_apart_after_reset(world: TabletopWorld) -> None:
    world.reset(SCENE)
    states = world.object_states()
    assert list(states) == [s.name for s in SCENE]
    for spawn in SCENE:
        obj = states[spawn.name]
        lin, ang = world.client.getBaseVelocity(world.body_id(spawn.name))
        assert np.linalg.norm(lin) < 5e-3 and np.linalg.norm(ang) < 5e-2
        assert math.dist(obj.position[:2], (spawn.x, spawn.y)) < 2e-3
        height = BLOCK_SIZE if spawn.kind == "block" else BOWL_HEIGHT
        assert obj.bottom_z == pytest.approx(0.0, abs=2e-3)
        assert obj.size[2] == pytest.approx(height, abs=2e-3)
    for (na, a), (nb, b) in itertools.combinations(states.items(), 2):
        overlap_x = abs(a.position[0] - b.position[0]) < (a.size[0] + b.size[0]) / 2
        overlap_y = abs(a.position[1] - b.position[1]) < (a.size[1] + b.size[1]) / 2
        assert not (overlap_x and overlap_y), (na, nb)
    bowl = states["green bowl"]
    assert bowl.size[0] == pytest.approx(BOWL_DIAMETER, abs=1e-4)
    assert world.sim_time == 0.0


def test_block_spawned_on_a_bowl_lands_inside(world: TabletopWorld) -> None:
    world.reset(
        [
            ObjectSpawn("green bowl", "bowl", "green", 0.0, -0.5),
            ObjectSpawn("red block", "block", "red", 0.0, -0.5),
        ]
    )
    block, bowl = world.object_state("red block"), world.object_state("green bowl")
    assert math.dist(block.position[:2], bowl.position[:2]) < 0.03
    assert bowl.bottom_z < block.bottom_z < bowl.bottom_z + 0.015


@pytest.mark.parametrize("offset", [0.0, 0.03])
def test_bowl_holds_a_dropped_block(world: TabletopWorld, offset: float) -> None:
    world.reset([ObjectSpawn("blue bowl", "bowl", "blue", 0.1, -0.55)])
    bowl_before = world.object_state("blue bowl")
    world.reset(
        [
            ObjectSpawn("blue bowl", "bowl", "blue", 0.1, -0.55),
            ObjectSpawn("red block", "block", "red", 0.25, -0.3),
        ]
    )
    # Drop the block from 15 cm above the bowl, a little off-centre, tilted.
    orn = world.client.getQuaternionFromEuler((0.3, 0.2, 0.5))
    world.client.resetBasePositionAndOrientation(
        world.body_id("red block"), (0.1 + offset, -0.55, 0.2), orn
    )
    world.step(480)
    block, bowl = world.object_state("red block"), world.object_state("blue bowl")
    assert math.dist(block.position[:2], bowl.position[:2]) < BOWL_DIAMETER / 2 - 0.02
    assert block.bottom_z < bowl.bottom_z + 0.02
    assert math.dist(bowl.position, bowl_before.position) < 0.01
    assert abs(bowl.orientation[0]) < 0.02 and abs(bowl.orientation[1]) < 0.02


def test_render_shapes_and_metric_depth(world: TabletopWorld) -> None:
    world.reset(SCENE[:2])
    frame = world.render(160, 120)
    assert frame.rgb.shape == (120, 160, 3) and frame.rgb.dtype == np.uint8
    assert frame.depth.shape == (120, 160) and frame.depth.dtype == np.float32
    assert frame.intrinsics.shape == (3, 3) and frame.extrinsics.shape == (4, 4)
    # An empty table point projects to a pixel whose depth is its distance along the axis.
    point = np.array([0.2, -0.7, 0.0, 1.0])
    cam = np.linalg.inv(frame.extrinsics) @ point
    u, v, w = frame.intrinsics @ cam[:3]
    col, row = round(u / w - 0.5), round(v / w - 0.5)
    assert 0 <= col < 160 and 0 <= row < 120
    assert frame.depth[row, col] == pytest.approx(cam[2], abs=0.01)
    assert frame.rgb.std() > 10  # not a blank image


def test_frame_callback_records_every_k_steps(world: TabletopWorld) -> None:
    world.reset([])
    calls: list[float] = []
    world.set_frame_callback(lambda w: calls.append(w.sim_time), every_steps=8)
    try:
        world.step(80)
    finally:
        world.set_frame_callback(None)
    assert len(calls) == 10
    world.step(80)
    assert len(calls) == 10


def test_rejects_bad_spawns(world: TabletopWorld) -> None:
    with pytest.raises(ValueError):
        world.reset([ObjectSpawn("x", "block", "red", 0, -0.5)] * 2)
    with pytest.raises(ValueError):
        world.reset([ObjectSpawn("x", "cone", "red", 0, -0.5)])
    with pytest.raises(ValueError):
        world.reset([ObjectSpawn("x", "block", "mauve", 0, -0.5)])
