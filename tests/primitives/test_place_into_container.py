"""`place(<bowl>)` finds free room in the bowl: a program written from the docs puts every block in."""

from __future__ import annotations

import math

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.primitives.container import GAP, Item, free_spot, slots
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode

NATURAL = """\
for o in perceive():
    if o.kind == "block":
        grasp(o.name)
        place({bowl!r})
"""


def test_a_bowl_holds_three_blocks_apart_and_inside_its_floor() -> None:
    bowl = Item((0.1, -0.5), 0.07)
    inside: list[Item] = []
    for _ in range(3):
        spot = free_spot(bowl, inside, 0.02)
        assert all(math.dist(spot, o.xy) >= 0.04 + GAP / 2 for o in inside)
        assert math.dist(spot, bowl.xy) + 0.02 * math.sqrt(2) <= 0.07 * 0.8 + 1e-9
        inside.append(Item(spot, 0.02))
    assert len(slots(bowl, 0.02)) == 3


def test_the_first_slot_is_the_one_nearest_the_robot() -> None:
    bowl = Item((0.0, -0.6), 0.07)
    first = free_spot(bowl, [], 0.02)
    assert first[1] > -0.6 and abs(first[0]) < 1e-6


def test_a_full_bowl_gives_the_point_with_most_room() -> None:
    bowl = Item((0.0, -0.5), 0.07)
    full = [Item(s, 0.02) for s in slots(bowl, 0.02)]
    spot = free_spot(bowl, full, 0.02)
    assert math.dist(spot, bowl.xy) <= 0.07
    assert min(math.dist(spot, o.xy) for o in full) > 0.02


def test_objects_too_big_for_two_go_to_the_centre() -> None:
    assert slots(Item((0.0, -0.5), 0.05), 0.02) == [(0.0, -0.5)]


def _natural(backend: str, seed: int) -> bool:
    episode = sample_episode(get_scenario("blocks-in-bowl"), seed)
    world = make_world(backend)
    try:
        program = NATURAL.format(bowl=episode.variables["bowl"])
        return run_program(episode, program, world).success
    finally:
        world.close()


@pytest.mark.parametrize("seed", range(4))
def test_program_from_the_docs_fills_the_bowl_kinematic(seed: int) -> None:
    assert _natural("kinematic", seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 3])
def test_program_from_the_docs_fills_the_bowl_physics(seed: int) -> None:
    assert _natural("physics", seed)
