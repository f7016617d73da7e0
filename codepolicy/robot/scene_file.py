"""The operator's scene file: what is on a real table, written down by the person at the robot.

A real robot has no ground truth, so the operator lists the objects (name, kind, colour and
position on the tabletop, metres) in a small YAML file::

    objects:
      - {name: red block, kind: block, colour: red, x: 0.10, y: -0.50}
      - {name: green block, kind: block, colour: green, on: red block}
      - {name: blue bowl, kind: bowl, colour: blue, x: -0.15, y: -0.45}

An object resting on another names it with ``on`` (a stack, or a block in a bowl); its x and y
default to those of what it rests on. It is validated with pydantic and the stacking rules below;
every problem names the file, the line and the field:

- ``on`` names another object of the file, and following ``on`` ends on the table (no cycle);
- a bowl stands on the table (nothing holds a bowl up here);
- a block carries at most one object, a bowl's floor at most :data:`BOWL_CAPACITY` blocks;
- an object on a block is centred within :data:`ON_BLOCK_TOLERANCE` of it, one in a bowl within
  :data:`IN_BOWL_TOLERANCE` of the bowl's centre, and of several in one bowl each gives x and y.

Example:
    >>> scene = parse_scene_file(
    ...     "objects:\\n  - {name: red block, kind: block, colour: red, x: 0.1, y: -0.5}\\n", "t.yaml")
    >>> [(o.name, o.x) for o in scene.objects]
    [('red block', 0.1)]
    >>> parse_scene_file("objects:\\n  - {name: b, kind: cone, colour: red, x: 0, y: -0.5}\\n", "t.yaml")
    Traceback (most recent call last):
    ...
    codepolicy.scenario.errors.ScenarioError: t.yaml:2: objects[0].kind: must be one of block, bowl
    >>> [(p.name, p.on, round(p.z, 3)) for p in placements(parse_scene_file(
    ...     "objects:\\n  - {name: b, kind: block, colour: red, on: a}\\n"
    ...     "  - {name: a, kind: block, colour: blue, x: 0, y: -0.5}\\n", "t.yaml"))]
    [('a', None, 0.02), ('b', 'a', 0.06)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codepolicy.envs.frame import (
    BLOCK_SIZE,
    BOWL_DIAMETER,
    BOWL_FLOOR,
    BOWL_HEIGHT,
    COLORS,
    KINDS,
    WORKSPACE_X,
    WORKSPACE_Y,
)
from codepolicy.scenario.errors import Problem, ScenarioError
from codepolicy.scenario.loader import pydantic_problems
from codepolicy.scenario.yamlio import YamlDocument, decode_bytes, read_yaml

MAX_OBJECTS = 20
"""Most objects a scene file may list."""
BOWL_CAPACITY = 3
"""Most blocks a bowl's floor holds side by side."""
ON_BLOCK_TOLERANCE = 0.015
"""Farthest (m) an object on a block may be centred from it: further off it topples."""
IN_BOWL_TOLERANCE = BOWL_DIAMETER / 2 - BLOCK_SIZE / 2 - 0.01
"""Farthest (m) an object in a bowl may be centred from the bowl's centre (it lies on the floor)."""


class SceneObject(BaseModel):
    """One object the operator placed on the table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    kind: str
    colour: str
    x: float | None = Field(None, ge=WORKSPACE_X[0], le=WORKSPACE_X[1])
    y: float | None = Field(None, ge=WORKSPACE_Y[0], le=WORKSPACE_Y[1])
    on: str | None = Field(None, min_length=1, max_length=80)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"must be one of {', '.join(KINDS)}")
        return value

    @field_validator("colour")
    @classmethod
    def _known_colour(cls, value: str) -> str:
        if value not in COLORS:
            raise ValueError(f"must be one of {', '.join(COLORS)}")
        return value


class SceneFile(BaseModel):
    """A whole scene file: the objects on the table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    objects: list[SceneObject] = Field(min_length=1, max_length=MAX_OBJECTS)


def parse_scene_file(text: str, source: str) -> SceneFile:
    """Validate the text of a scene file.

    Raises:
        ScenarioError: every problem, each naming ``source``, the line and the field.
    """
    doc = read_yaml(text, source)
    try:
        scene = SceneFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = _without_value_prefix(pydantic_problems(doc, exc))
        raise ScenarioError(problems + _missing_positions(doc)) from None
    seen: dict[str, int] = {}
    problems = []
    for i, obj in enumerate(scene.objects):
        if obj.name in seen:
            problems.append(
                doc.problem(
                    ("objects", i, "name"),
                    f"'{obj.name}' is already the name of objects[{seen[obj.name]}]; "
                    "names must be unique",
                )
            )
        seen.setdefault(obj.name, i)
    problems += _stacking_problems(scene, doc, seen)
    if problems:
        raise ScenarioError(problems)
    return scene


def _stacking_problems(scene: SceneFile, doc: YamlDocument, index: dict[str, int]) -> list[Problem]:
    """Positions and ``on`` of every object: the stacking rules of the module doc."""
    objects = scene.objects
    carried: dict[str, list[int]] = {}
    problems: list[Problem] = _missing_positions(doc)
    for i, obj in enumerate(objects):
        if obj.on is None:
            continue
        where = ("objects", i, "on")
        below = index.get(obj.on)
        if obj.on == obj.name:
            problems.append(doc.problem(where, "an object cannot rest on itself"))
        elif below is None:
            problems.append(doc.problem(where, f"'{obj.on}' is not an object of this file"))
        elif obj.kind == "bowl":
            problems.append(
                doc.problem(where, f"a bowl stands on the table, not on the '{obj.on}'")
            )
        else:
            carried.setdefault(obj.on, []).append(i)
    in_cycle: set[str] = set()
    for i, obj in enumerate(objects):
        chain, name = [obj.name], obj.on
        while name is not None and name in index and name not in chain:
            chain.append(name)
            name = objects[index[name]].on
        if name == obj.name and obj.on != obj.name and obj.name not in in_cycle:
            in_cycle.update(chain)
            problems.append(
                doc.problem(
                    ("objects", i, "on"),
                    f"{' -> '.join([*chain, name])} is a cycle; a stack must stand on the table",
                )
            )
    for support, loads in carried.items():
        base = objects[index[support]]
        limit = 1 if base.kind == "block" else BOWL_CAPACITY
        for j in loads[limit:]:
            problems.append(
                doc.problem(
                    ("objects", j, "on"),
                    f"the '{support}' already carries the '{objects[loads[0]].name}'; "
                    + ("a block carries one object" if limit == 1 else f"a bowl holds {limit}"),
                )
            )
        if base.kind == "bowl" and len(loads) > 1:
            for j in loads:
                if objects[j].x is None or objects[j].y is None:
                    problems.append(
                        doc.problem(
                            ("objects", j, "x"),
                            f"missing: the '{support}' holds {len(loads)} objects; give x and y "
                            "of each object in a bowl holding several",
                        )
                    )
    if problems:
        return problems
    placed = {p.name: p for p in placements(scene)}
    for p in placed.values():
        if p.on is None:
            continue
        under = placed[p.on]
        off = math.dist((p.x, p.y), (under.x, under.y))
        tolerance = ON_BLOCK_TOLERANCE if under.kind == "block" else IN_BOWL_TOLERANCE
        if off > tolerance + 1e-9:
            problems.append(
                doc.problem(
                    ("objects", index[p.name], "x"),
                    f"({p.x}, {p.y}) is {off:.3f} m from the centre of the '{p.on}' it rests "
                    f"on; at most {tolerance:.3f} m",
                )
            )
    return problems


def _missing_positions(doc: YamlDocument) -> list[Problem]:
    """An object on the table (no ``on``) without x or y, read from the raw document."""
    items = doc.data.get("objects") if isinstance(doc.data, dict) else None
    problems = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and item.get("on") is None:
            problems += [
                doc.problem(
                    ("objects", i, axis),
                    "missing: an object on the table needs x and y "
                    "(or on: NAME for one resting on another)",
                )
                for axis in ("x", "y")
                if item.get(axis) is None
            ]
    return problems


@dataclass(frozen=True)
class Placement:
    """Where one object of a scene file is: centre (x, y, z) in metres, and what it rests on."""

    name: str
    kind: str
    colour: str
    x: float
    y: float
    z: float
    on: str | None


def height(kind: str) -> float:
    """Height (m) of an object of ``kind``."""
    return BOWL_HEIGHT if kind == "bowl" else BLOCK_SIZE


def placements(scene: SceneFile) -> list[Placement]:
    """Every object with its resolved position, supports before what rests on them.

    An object on a block rests on its top, one in a bowl on the bowl's floor; x and y default to
    those of the support. Expects a validated file (no cycle, every ``on`` known).
    """
    by_name = {o.name: o for o in scene.objects}
    done: dict[str, Placement] = {}

    def place(name: str) -> Placement:
        if name in done:
            return done[name]
        obj = by_name[name]
        if obj.on is None:
            assert obj.x is not None and obj.y is not None
            x, y, bottom = obj.x, obj.y, 0.0
        else:
            base = place(obj.on)
            x = base.x if obj.x is None else obj.x
            y = base.y if obj.y is None else obj.y
            floor = base.z - height(base.kind) / 2
            bottom = floor + (BOWL_FLOOR if base.kind == "bowl" else height(base.kind))
        done[name] = Placement(
            obj.name, obj.kind, obj.colour, x, y, bottom + height(obj.kind) / 2, obj.on
        )
        return done[name]

    for obj in scene.objects:
        place(obj.name)
    return list(done.values())


def load_scene_file(path: Path) -> SceneFile:
    """Read and validate the scene file at ``path``.

    Raises:
        ScenarioError: the file cannot be read or is invalid (file, line, field and what is wrong).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem(str(path), None, "(file)", f"cannot read: {exc.strerror}")]
        ) from None
    return parse_scene_file(decode_bytes(data, str(path)), str(path))


def _without_value_prefix(problems: list[Problem]) -> list[Problem]:
    """Pydantic prefixes custom messages with "Value error, "; operators need only the sentence."""
    return [
        Problem(p.file, p.line, p.path, p.message.removeprefix("Value error, ")) for p in problems
    ]
