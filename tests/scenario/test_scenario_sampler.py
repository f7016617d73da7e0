"""Episodes: layouts are valid, instructions and conditions fully bound, sampling is deterministic."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import pytest

from codepolicy.envs.frame import (
    CORNERS,
    DIRECTIONS,
    LOCATIONS,
    SEEN_COLORS,
    UNSEEN_COLORS,
    WORKSPACE_X,
    WORKSPACE_Y,
    in_workspace,
)
from codepolicy.scenario import (
    Episode,
    SamplingError,
    Scenario,
    get_scenario,
    list_scenarios,
    load_family_text,
    sample_episode,
)
from codepolicy.scenario.refs import iter_sites, object_refs, refs_in
from codepolicy.scenario.sampler import FOOTPRINT_RADIUS
from codepolicy.success.spec import parse_condition

SEEDS = range(20)
SCENARIOS = list_scenarios()
IDS = [s.name for s in SCENARIOS]


def _episodes(scenario: Scenario) -> list[Episode]:
    return [scenario.sample(seed) for seed in SEEDS]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_layouts_are_valid(scenario: Scenario) -> None:
    palette = SEEN_COLORS if scenario.attribute_split == "seen" else UNSEEN_COLORS
    for ep in _episodes(scenario):
        names = [o.name for o in ep.objects]
        assert len(names) == len(set(names)), names
        for obj in ep.objects:
            assert obj.name == f"{obj.color} {obj.kind}"
            assert obj.color in palette
            radius = FOOTPRINT_RADIUS[obj.kind]
            assert in_workspace((obj.x, obj.y), margin=0.05 - 1e-9), (ep.seed, obj)
            assert in_workspace((obj.x, obj.y), margin=radius - 1e-9), (ep.seed, obj)
            assert obj.yaw == 0.0
        for a, b in itertools.combinations(ep.objects, 2):
            gap = (
                math.dist((a.x, a.y), (b.x, b.y))
                - FOOTPRINT_RADIUS[a.kind]
                - FOOTPRINT_RADIUS[b.kind]
            )
            assert gap > 0.0, (ep.scenario, ep.seed, a.name, b.name)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_instruction_and_success_are_fully_bound(scenario: Scenario) -> None:
    for ep in _episodes(scenario):
        assert "{" not in ep.instruction and "}" not in ep.instruction, ep.instruction
        assert ep.instruction == ep.instruction.strip() and "  " not in ep.instruction
        data = ep.to_data()["success"]
        assert parse_condition(data) == ep.success  # re-validates as a spec condition
        assert object_refs(data) <= set(ep.object_names)
        for site in iter_sites(data):
            for ref in refs_in(site.value):
                assert ref in site.qvars, f"unbound {{{ref}}} in {ep.scenario} seed {ep.seed}"
            if site.role == "location" and not refs_in(site.value):
                assert site.value in LOCATIONS
        assert set(ep.variables) == set(scenario.spec.variables)
        assert ep.budget.max_calls == 10 + 6 * len(ep.objects)
        assert ep.scenario == scenario.name and ep.gym_name == scenario.gym_name
        assert ep.attribute_split == scenario.attribute_split
        assert ep.oracle == scenario.spec.family


def _pos(ep: Episode, name: object) -> tuple[float, float]:
    obj = next(o for o in ep.objects if o.name == name)
    return obj.x, obj.y


def _blocks(ep: Episode) -> list[str]:
    return [o.name for o in ep.objects if o.kind == "block"]


@pytest.mark.parametrize("split", ["seen", "unseen"])
def test_block_by_direction_is_unambiguous(split: str) -> None:
    for ep in _episodes(get_scenario(f"block-by-direction-{split}")):
        unit = DIRECTIONS[str(ep.variables["direction"])]
        ref = _pos(ep, ep.variables["bowl"])
        for block in _blocks(ep):
            p = _pos(ep, block)
            d = (p[0] - ref[0]) * unit[0] + (p[1] - ref[1]) * unit[1]
            assert d >= 0.03 if block == ep.variables["block"] else d <= -0.03
        assert str(ep.variables["direction"]) in ep.instruction


@pytest.mark.parametrize("split", ["seen", "unseen"])
def test_block_by_distance_margin(split: str) -> None:
    for ep in _episodes(get_scenario(f"block-by-distance-{split}")):
        ref = _pos(ep, ep.variables["bowl"])
        dist = sorted((math.dist(_pos(ep, b), ref), b) for b in _blocks(ep))
        if ep.variables["relation"] == "farthest":
            dist.reverse()
        assert dist[0][1] == ep.variables["block"]
        if len(dist) > 1:
            assert abs(dist[0][0] - dist[1][0]) >= 0.02


def test_nth_block_rank() -> None:
    for ep in _episodes(get_scenario("nth-block")):
        unit = DIRECTIONS[str(ep.variables["side"])]
        ranked = sorted(
            _blocks(ep), key=lambda b: -(_pos(ep, b)[0] * unit[0] + _pos(ep, b)[1] * unit[1])
        )
        assert ranked[int(ep.variables["ordinal"]) - 1] == ep.variables["block"]


def test_corner_by_bowl() -> None:
    for ep in _episodes(get_scenario("block-corner-by-bowl-unseen")):
        ref = _pos(ep, ep.variables["bowl"])
        ranked = sorted(CORNERS, key=lambda c: math.dist(CORNERS[c], ref))
        want = ranked[0] if ep.variables["relation"] == "closest" else ranked[-1]
        assert ep.variables["corner"] == want
        assert ep.success.at.location == want


def test_offset_targets_are_inside_and_numbers_bound() -> None:
    for ep in _episodes(get_scenario("block-offset-bowl")):
        distance = float(ep.variables["distance"])  # metres
        unit = DIRECTIONS[str(ep.variables["direction"])]
        assert ep.variables["dx"] == pytest.approx(distance * unit[0])
        assert ep.variables["dy"] == pytest.approx(distance * unit[1])
        ref = _pos(ep, ep.variables["bowl"])
        target = (ref[0] + float(ep.variables["dx"]), ref[1] + float(ep.variables["dy"]))
        assert in_workspace(target, margin=0.05 - 1e-9)
        assert f"{round(distance * 100)} cm" in ep.instruction
        assert ep.success.offset.dx == ep.variables["dx"]


@pytest.mark.parametrize("family", ["blocks-to-location", "stack-on-location", "nth-block"])
def test_target_locations_are_kept_clear(family: str) -> None:
    for ep in _episodes(get_scenario(family)):
        point = LOCATIONS[str(ep.variables["location"])]
        for obj in ep.objects:
            assert math.dist(point, (obj.x, obj.y)) >= 0.05 + FOOTPRINT_RADIUS[obj.kind] - 1e-6


def test_matching_bowls_share_block_colours() -> None:
    for ep in _episodes(get_scenario("blocks-mismatched-bowls")):
        blocks = sorted(o.color for o in ep.objects if o.kind == "block")
        bowls = sorted(o.color for o in ep.objects if o.kind == "bowl")
        assert blocks == bowls and len(blocks) >= 2


def test_seeds_vary_the_episode() -> None:
    eps = _episodes(get_scenario("pick-place"))
    assert len({ep.instruction for ep in eps}) > 5
    assert len({ep.objects for ep in eps}) == len(eps)


# ---- determinism -------------------------------------------------------------------------------

PROBE = [
    ("stack-blocks-seen", 3),
    ("nth-block-unseen", 11),
    ("block-offset-bowl-seen", 7),
    ("blocks-in-line-unseen", 0),
]


def _dump(name: str, seed: int) -> str:
    return json.dumps(get_scenario(name).sample(seed).to_data(), sort_keys=True)


def test_same_seed_same_episode_in_any_order() -> None:
    forward = [_dump(n, s) for n, s in PROBE]
    backward = [_dump(n, s) for n, s in reversed(PROBE)][::-1]
    assert forward == backward
    assert get_scenario("nth-block").sample(5) == sample_episode(get_scenario("nth-block-seen"), 5)


def test_same_seed_same_episode_in_another_process() -> None:
    code = (
        "import json, sys\n"
        "from codepolicy.scenario import get_scenario\n"
        f"probe = {list(reversed(PROBE))!r}\n"
        "dump = lambda n, s: json.dumps(get_scenario(n).sample(s).to_data(), sort_keys=True)\n"
        "out = {f'{n}:{s}': dump(n, s) for n, s in probe}\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    remote = json.loads(result.stdout)
    for name, seed in PROBE:
        assert remote[f"{name}:{seed}"] == _dump(name, seed)


def test_bad_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        get_scenario("pick-place").sample(-1)


def test_unsatisfiable_layout_names_the_scenario() -> None:
    text = """\
family: impossible-offset
instruction_split: unseen
difficulty: hard
objects:
  block: {count: 1}
  bowl: {count: 1}
variables:
  block: {pick: block}
  bowl: {pick: bowl}
instructions: ["put the {block} 1 m left of the {bowl}"]
layout:
  keep_clear: [{relative_to: "{bowl}", dx: -1.0}]
  max_attempts: 50
success: {offset: {object: "{block}", reference: "{bowl}", dx: -1.0, dy: 0}}
budget: {max_calls: 10, max_sim_seconds: 30}
"""
    scenario = load_family_text(text, "impossible.yaml").scenario("seen")
    with pytest.raises(SamplingError) as info:
        scenario.sample(0)
    message = str(info.value)
    assert "impossible-offset-seen" in message and "after 50 layouts" in message
    assert "outside the workspace" in message
    assert message.startswith("impossible.yaml: layout:")


def test_reject_hook_redraws_deterministically() -> None:
    scenario = get_scenario("stack-blocks")
    first = scenario.sample(4)
    again = sample_episode(scenario, 4, reject=lambda ep: ep.objects == first.objects)
    assert again.objects != first.objects
    assert again == sample_episode(scenario, 4, reject=lambda ep: ep.objects == first.objects)
    assert WORKSPACE_X[0] < again.objects[0].x < WORKSPACE_X[1]
    assert WORKSPACE_Y[0] < again.objects[0].y < WORKSPACE_Y[1]
