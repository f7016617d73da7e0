"""The operator's scene file: what is on a real table, written down by the person at the robot.

A real robot has no ground truth, so the operator lists the objects (name, kind, colour and
position on the tabletop, metres) in a small YAML file::

    objects:
      - {name: red block, kind: block, colour: red, x: 0.10, y: -0.50}
      - {name: blue bowl, kind: bowl, colour: blue, x: -0.15, y: -0.45}

It is validated with pydantic; every problem names the file, the line and the field.

Example:
    >>> scene = parse_scene_file(
    ...     "objects:\\n  - {name: red block, kind: block, colour: red, x: 0.1, y: -0.5}\\n", "t.yaml")
    >>> [(o.name, o.x) for o in scene.objects]
    [('red block', 0.1)]
    >>> parse_scene_file("objects:\\n  - {name: b, kind: cone, colour: red, x: 0, y: -0.5}\\n", "t.yaml")
    Traceback (most recent call last):
    ...
    codepolicy.scenario.errors.ScenarioError: t.yaml:2: objects[0].kind: must be one of block, bowl
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codepolicy.envs.frame import COLORS, KINDS, WORKSPACE_X, WORKSPACE_Y
from codepolicy.scenario.errors import Problem, ScenarioError
from codepolicy.scenario.loader import pydantic_problems
from codepolicy.scenario.yamlio import decode_bytes, read_yaml

MAX_OBJECTS = 20
"""Most objects a scene file may list."""


class SceneObject(BaseModel):
    """One object the operator placed on the table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    kind: str
    colour: str
    x: float = Field(ge=WORKSPACE_X[0], le=WORKSPACE_X[1])
    y: float = Field(ge=WORKSPACE_Y[0], le=WORKSPACE_Y[1])

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
        raise ScenarioError(_without_value_prefix(pydantic_problems(doc, exc))) from None
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
    if problems:
        raise ScenarioError(problems)
    return scene


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
