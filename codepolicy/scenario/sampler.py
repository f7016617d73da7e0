"""Seeded episode sampling: scenario + seed -> objects, layout, bound variables, instruction, success.

All randomness comes from ``numpy.random.default_rng`` seeded with ``(seed, crc32(scenario name))``, so a
scenario and seed give the same :class:`Episode` in any process and in any order. Rejection sampling is
bounded by ``layout.max_attempts``; when it runs out a :class:`SamplingError` names the scenario.

Example:
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> episode = sample_episode(get_scenario("stack-blocks"), seed=0)
    >>> episode == sample_episode(get_scenario("stack-blocks-seen"), seed=0)
    True
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from codepolicy.envs.frame import (
    BLOCK_SIZE,
    BOWL_DIAMETER,
    DIRECTIONS,
    LOCATIONS,
    WORKSPACE_X,
    WORKSPACE_Y,
)
from codepolicy.scenario.binding import bind_condition, condition_data
from codepolicy.scenario.derived import XY, Obj, Reject, Value, beside, by_distance, nth, resolve
from codepolicy.scenario.domains import PRESETS, choice_options, color_domains
from codepolicy.scenario.errors import SamplingError
from codepolicy.scenario.initial import already_solved
from codepolicy.scenario.loader import Scenario
from codepolicy.scenario.refs import object_refs
from codepolicy.scenario.schema import (
    BesideVar,
    ByDistanceVar,
    CallsFormula,
    ChoiceVar,
    Difficulty,
    NthVar,
    OffsetVar,
    PickVar,
    RelativeTarget,
    Split,
)
from codepolicy.success.spec import Condition

FOOTPRINT_RADIUS: dict[str, float] = {
    "block": BLOCK_SIZE * math.sqrt(2) / 2,
    "bowl": BOWL_DIAMETER / 2,
}
"""Radius of the disk each kind covers on the table, metres (a block's half diagonal)."""
EPS = 1e-9
MAX_OBJECT_DRAWS = 100
TRIES_PER_OBJECT = 60


class SpawnSpec(BaseModel):
    """One object to spawn: where and what."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Spoken, unique name, e.g. 'red block'.")
    kind: str
    color: str
    x: float
    y: float
    yaw: float = 0.0


class EpisodeBudget(BaseModel):
    """Limits for one episode."""

    model_config = ConfigDict(frozen=True)

    max_calls: int
    max_sim_seconds: float


class Episode(BaseModel):
    """One concrete episode: everything needed to build the scene, prompt the model and judge it."""

    model_config = ConfigDict(frozen=True)

    scenario: str = Field(description="Scenario name, e.g. 'stack-blocks-seen'.")
    family: str
    gym_name: str
    instruction_split: Split
    attribute_split: Split
    difficulty: Difficulty
    tags: tuple[str, ...] = ()
    oracle: str = Field(description="Name of the family's reference program.")
    seed: int
    instruction: str
    objects: tuple[SpawnSpec, ...]
    world: str = Field("tabletop", description="'tabletop' or the adapter world episodes run in.")
    variables: dict[str, Value] = Field(description="Bound value of every scenario variable.")
    success: Condition
    budget: EpisodeBudget

    @property
    def object_names(self) -> tuple[str, ...]:
        """Names of all objects, in spawn order."""
        return tuple(obj.name for obj in self.objects)

    def to_data(self) -> dict[str, Any]:
        """The episode as JSON-compatible data (the success condition with its YAML keys)."""
        data = self.model_dump(mode="json", by_alias=True)
        data["success"] = condition_data(self.success, json=True)
        return data


def sample_episode(
    scenario: Scenario,
    seed: int,
    *,
    reject: Callable[[Episode], bool] | None = already_solved,
) -> Episode:
    """Draw the episode of ``scenario`` for ``seed``.

    Args:
        scenario: What to sample (see :func:`codepolicy.scenario.catalog.get_scenario`).
        seed: Any non-negative integer.
        reject: Deterministic test that discards a candidate episode and draws another layout; by
            default episodes whose task already holds at the start are refused. Episodes stay
            deterministic for the same ``reject``; pass ``None`` to keep every layout.

    Returns:
        The episode; equal for equal ``(scenario, seed)``.

    Raises:
        ValueError: If ``seed`` is negative or not an integer.
        SamplingError: If the constraints cannot be met within ``layout.max_attempts`` layouts.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    spec = scenario.spec
    if spec.is_adapter:
        from codepolicy.scenario.worlds import adapter_episode

        return adapter_episode(scenario, seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(scenario.name.encode())]))
    literal_names = object_refs(condition_data(spec.success))
    for _ in range(MAX_OBJECT_DRAWS):
        objects = _draw_objects(scenario, rng)
        if literal_names <= {name for name, _, _ in objects}:
            break
    else:
        raise _error(scenario, seed, f"no draw contains the objects {sorted(literal_names)}")
    values, texts = _bind_static(scenario, seed, objects, rng)
    template = spec.instructions[int(rng.integers(len(spec.instructions)))]
    reason = "no layout tried"
    for _ in range(spec.layout.max_attempts):
        positions = _place(objects, spec.layout.edge_margin, spec.layout.min_separation, rng)
        if positions is None:
            reason = "objects do not fit without overlapping"
            continue
        try:
            all_values, all_texts = _bind_derived(scenario, objects, positions, values, texts)
            _check_keep_clear(scenario, objects, positions, all_values)
        except Reject as exc:
            reason = str(exc)
            continue
        episode = _episode(scenario, seed, objects, positions, all_values, all_texts, template)
        if reject is not None and reject(episode):
            reason = "every candidate was refused by the reject test"
            continue
        return episode
    raise _error(
        scenario,
        seed,
        f"constraints unsatisfiable after {spec.layout.max_attempts} layouts ({reason})",
    )


def _episode(
    scenario: Scenario,
    seed: int,
    objects: Sequence[Obj],
    positions: Mapping[str, XY],
    values: dict[str, Value],
    texts: Mapping[str, str],
    template: str,
) -> Episode:
    spec = scenario.spec
    success = bind_condition(spec.success, values, texts)
    missing = object_refs(condition_data(success)) - set(positions)
    if missing:
        raise _error(scenario, seed, f"success condition names absent objects {sorted(missing)}")
    return make_episode(
        scenario,
        seed,
        instruction=template.format(**texts),
        objects=tuple(
            SpawnSpec(name=name, kind=kind, color=color, x=positions[name][0], y=positions[name][1])
            for name, kind, color in objects
        ),
        variables=values,
        success=success,
    )


def make_episode(
    scenario: Scenario,
    seed: int,
    *,
    instruction: str,
    objects: tuple[SpawnSpec, ...],
    variables: dict[str, Value],
    success: Condition,
    world: str = "tabletop",
) -> Episode:
    """An :class:`Episode` of ``scenario``: its own fields, the call budget for ``objects`` and
    what was drawn for ``seed``."""
    spec = scenario.spec
    budget = spec.budget.max_calls
    max_calls = (
        budget.base + budget.per_object * len(objects)
        if isinstance(budget, CallsFormula)
        else budget
    )
    return Episode(
        scenario=scenario.name,
        family=spec.family,
        gym_name=scenario.gym_name,
        instruction_split=spec.instruction_split,
        attribute_split=scenario.attribute_split,
        difficulty=spec.difficulty,
        tags=tuple(spec.tags),
        oracle=spec.oracle_name,
        seed=seed,
        instruction=instruction,
        objects=objects,
        world=world,
        variables=variables,
        success=success,
        budget=EpisodeBudget(max_calls=max_calls, max_sim_seconds=spec.budget.max_sim_seconds),
    )


def _error(scenario: Scenario, seed: int, message: str) -> SamplingError:
    return SamplingError(scenario.family.source, scenario.name, seed, message)


def _draw_objects(scenario: Scenario, rng: np.random.Generator) -> list[Obj]:
    spec = scenario.spec
    domains = color_domains(spec)
    colors: dict[str, list[str]] = {}
    for kind, obj in spec.objects.items():
        if obj.match is None:
            low, high = obj.count
            domain = domains[kind][scenario.attribute_split]
            order = rng.permutation(len(domain))[: int(rng.integers(low, high + 1))]
            colors[kind] = [domain[int(i)] for i in order]
    for kind, obj in spec.objects.items():
        if obj.match is not None:
            source = colors[obj.match]
            colors[kind] = [source[int(i)] for i in rng.permutation(len(source))]
    return [(f"{color} {kind}", kind, color) for kind in spec.objects for color in colors[kind]]


def _bind_static(
    scenario: Scenario, seed: int, objects: Sequence[Obj], rng: np.random.Generator
) -> tuple[dict[str, Value], dict[str, str]]:
    """Bind the variables that do not depend on the layout (pick, choice, offset)."""
    values: dict[str, Value] = {}
    texts: dict[str, str] = {}
    picked: set[str] = set()
    for name, var in scenario.spec.variables.items():
        if isinstance(var, PickVar):
            kinds = [var.pick] if isinstance(var.pick, str) else var.pick
            pool = [o[0] for o in objects if o[1] in kinds and o[0] not in picked]
            if not pool:
                raise _error(scenario, seed, f"nothing left to pick for variable '{name}'")
            values[name] = texts[name] = pool[int(rng.integers(len(pool)))]
            picked.add(str(values[name]))
        elif isinstance(var, ChoiceVar):
            options = choice_options(var)
            texts[name], values[name] = options[int(rng.integers(len(options)))]
        elif isinstance(var, OffsetVar):
            distance = float(resolve(var.offset.distance, values))
            unit = DIRECTIONS[str(resolve(var.offset.direction, values))]
            component = round(distance * unit[0 if var.offset.axis == "x" else 1], 6) + 0.0
            values[name], texts[name] = component, f"{component:g}"
    return values, texts


def _place(
    objects: Sequence[Obj], edge_margin: float, separation: float, rng: np.random.Generator
) -> dict[str, XY] | None:
    """Random non-overlapping positions (largest objects first), or ``None`` if they did not fit."""
    placed: dict[str, XY] = {}
    radius = {name: FOOTPRINT_RADIUS[kind] for name, kind, _ in objects}
    for name, _, _ in sorted(objects, key=lambda o: -radius[o[0]]):
        margin = max(edge_margin, radius[name])
        low = (WORKSPACE_X[0] + margin, WORKSPACE_Y[0] + margin)
        high = (WORKSPACE_X[1] - margin, WORKSPACE_Y[1] - margin)
        for _ in range(TRIES_PER_OBJECT):
            x = round(float(rng.uniform(low[0], high[0])), 4)
            y = round(float(rng.uniform(low[1], high[1])), 4)
            if not (low[0] - EPS <= x <= high[0] + EPS and low[1] - EPS <= y <= high[1] + EPS):
                continue
            if all(
                math.dist((x, y), xy) >= radius[name] + radius[other] + separation - EPS
                for other, xy in placed.items()
            ):
                placed[name] = (x, y)
                break
        else:
            return None
    return {name: placed[name] for name, _, _ in objects}


def _bind_derived(
    scenario: Scenario,
    objects: Sequence[Obj],
    positions: Mapping[str, XY],
    static_values: Mapping[str, Value],
    static_texts: Mapping[str, str],
) -> tuple[dict[str, Value], dict[str, str]]:
    """Bind the variables computed from the layout (beside, by_distance, nth), in declaration order."""
    values = dict(static_values)
    texts = dict(static_texts)
    for name, var in scenario.spec.variables.items():
        if isinstance(var, BesideVar):
            result = beside(var, objects, positions, values)
        elif isinstance(var, ByDistanceVar):
            result = by_distance(var, objects, positions, values)
        elif isinstance(var, NthVar):
            result = nth(var, objects, positions, values)
        else:
            continue
        values[name] = texts[name] = result
    # keep declaration order
    order = list(scenario.spec.variables)
    return {k: values[k] for k in order}, {k: texts[k] for k in order}


def _keep_clear_points(
    scenario: Scenario, positions: Mapping[str, XY], values: Mapping[str, Value]
) -> list[XY]:
    points: list[XY] = []
    for item in scenario.spec.layout.keep_clear:
        if isinstance(item, RelativeTarget):
            base = positions[str(resolve(item.relative_to, values))]
            points.append(
                (
                    base[0] + float(resolve(item.dx, values)),
                    base[1] + float(resolve(item.dy, values)),
                )
            )
        elif item in PRESETS:
            points.extend(LOCATIONS[loc] for loc in PRESETS[item])
        else:
            points.append(LOCATIONS[str(resolve(item, values))])
    return points


def _check_keep_clear(
    scenario: Scenario,
    objects: Sequence[Obj],
    positions: Mapping[str, XY],
    values: Mapping[str, Value],
) -> None:
    layout = scenario.spec.layout
    for point in _keep_clear_points(scenario, positions, values):
        m = layout.edge_margin - EPS
        if not (
            WORKSPACE_X[0] + m <= point[0] <= WORKSPACE_X[1] - m
            and WORKSPACE_Y[0] + m <= point[1] <= WORKSPACE_Y[1] - m
        ):
            raise Reject(f"target ({point[0]:.3f}, {point[1]:.3f}) is outside the workspace")
        for name, kind, _ in objects:
            if (
                math.dist(point, positions[name])
                < layout.keep_clear_radius + FOOTPRINT_RADIUS[kind] - 1e-6
            ):
                raise Reject(f"the {name} is in the way of target ({point[0]:.3f}, {point[1]:.3f})")
