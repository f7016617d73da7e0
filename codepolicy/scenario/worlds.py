"""Scenarios that run in an adapter world (a third-party gymnasium env) instead of our tabletop.

Such a scenario file says ``world: panda-pick-and-place`` (a shipped adapter spec) and declares no
objects or variables: the env decides what is on its table and where, so an episode is the env's
reset for the seed. Its instructions are plain sentences and its success condition names the
adapter's objects (``cube``, ``target``, ``blue cube``…) or ``gripper``.

Example:
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> episode = get_scenario("panda-pick-and-place").sample(seed=3)
    >>> episode.world, episode.object_names
    ('panda-pick-and-place', ('cube', 'target'))
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from codepolicy.scenario.binding import condition_data
from codepolicy.scenario.refs import iter_sites, template_fields
from codepolicy.scenario.schema import ScenarioFile
from codepolicy.success.evaluate import GRIPPER

if TYPE_CHECKING:
    from codepolicy.scenario.loader import Scenario
    from codepolicy.scenario.sampler import Episode

Problems = list[tuple[tuple[Any, ...], str]]


def check_adapter_scenario(spec: ScenarioFile) -> Problems:
    """Every problem of a scenario file whose ``world`` is an adapter world."""
    from codepolicy.envs.adapters.spec import SpecError, get_spec, spec_names

    try:
        adapter = get_spec(spec.world)
    except SpecError:
        known = ", ".join(["tabletop", *spec_names()])
        return [(("world",), f"unknown world '{spec.world}'; known worlds: {known}")]
    names = [o.name for o in adapter.objects]
    problems: Problems = []
    if spec.objects:
        problems.append(
            (
                ("objects",),
                f"the objects of the adapter world '{spec.world}' come from the env "
                f"({', '.join(names)}); remove this field",
            )
        )
    if spec.variables:
        problems.append((("variables",), "an adapter world's scenario has no variables"))
    for i, text in enumerate(spec.instructions):
        try:
            fields = template_fields(text)
        except ValueError as exc:
            problems.append((("instructions", i), str(exc)))
            continue
        if fields:
            problems.append(
                (
                    ("instructions", i),
                    f"'{{{fields[0]}}}': an adapter world's instructions are plain",
                )
            )
    for site in iter_sites(condition_data(spec.success)):
        if site.role == "object" and site.value not in (*names, GRIPPER):
            problems.append(
                (
                    ("success", *site.path),
                    f"unknown object '{site.value}' in the world '{spec.world}'; "
                    f"it has: {', '.join([*names, GRIPPER])}",
                )
            )
    return problems


def adapter_episode(scenario: Scenario, seed: int) -> Episode:
    """The episode of an adapter-world scenario for ``seed``: the instruction is drawn from the
    seed; the objects are the adapter's, placed by the env when it is reset with the same seed
    (so their x, y here are 0)."""
    from codepolicy.envs.adapters.spec import get_spec
    from codepolicy.scenario.sampler import SpawnSpec, make_episode

    spec = scenario.spec
    adapter = get_spec(spec.world)
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(scenario.name.encode())]))
    instruction = spec.instructions[int(rng.integers(len(spec.instructions)))]
    objects = tuple(
        SpawnSpec(name=o.name, kind=o.kind, color=o.color, x=0.0, y=0.0) for o in adapter.objects
    )
    return make_episode(
        scenario,
        seed,
        instruction=instruction,
        objects=objects,
        variables={},
        success=spec.success,
        world=spec.world,
    )
