"""Pydantic models of a scenario file: one YAML file describes one task family.

A family declares its instruction templates (and whether they are seen or unseen instructions), the objects
to sample, variables, placement constraints, the success condition and a budget. Each family yields two
*scenarios*, one per attribute split (seen colours / unseen colours): ``<family>-seen``, ``<family>-unseen``.
See ``scenarios/README.md`` for the format with examples; :func:`scenario_json_schema` exports it.

Example:
    >>> spec = ScenarioFile.model_validate({
    ...     "family": "stack-blocks", "instruction_split": "seen", "difficulty": "easy",
    ...     "objects": {"block": {"count": [2, 3]}}, "instructions": ["stack all the blocks"],
    ...     "success": {"stacked": {"objects": "blocks", "order": "any"}},
    ...     "budget": {"max_calls": 40, "max_sim_seconds": 120}})
    >>> spec.gym_base_name, spec.objects["block"].count
    ('StackBlocks', (2, 3))
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)

from codepolicy.success.spec import Condition

Split = Literal["seen", "unseen"]
Difficulty = Literal["easy", "medium", "hard"]
SPLITS: tuple[Split, Split] = ("seen", "unseen")

VAR_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
FAMILY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
GYM_NAME_PATTERN = r"^[A-Z][A-Za-z0-9]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---- objects ---------------------------------------------------------------------------------------


MAX_OBJECT_COUNT = 50
"""Most objects of one kind (the table holds far fewer; the bound keeps sampling bounded)."""


def _to_count_range(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("count must be an integer or [min, max]")
    if isinstance(value, int):
        value = (value, value)
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise ValueError("count must be an integer or a list [min, max] of two integers")
        low, high = value
        if low < 0:
            raise ValueError(f"count must not be negative (got {low})")
        if low > high:
            raise ValueError(f"count range [{low}, {high}] is empty: min is larger than max")
        if high > MAX_OBJECT_COUNT:
            raise ValueError(f"count {high} is too large (at most {MAX_OBJECT_COUNT} objects)")
        return (low, high)
    raise ValueError("count must be an integer or [min, max]")


CountRange = Annotated[
    tuple[int, int],
    BeforeValidator(_to_count_range),
    WithJsonSchema(
        {
            "description": "How many objects of this kind: an integer or [min, max].",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ],
        }
    ),
]


class ColorDomains(_Strict):
    """Restrict the colours of one kind per attribute split (defaults: the frame's seen/unseen colours)."""

    seen: list[str] | None = Field(None, min_length=1, description="Subset of the seen colours.")
    unseen: list[str] | None = Field(
        None, min_length=1, description="Subset of the unseen colours."
    )


class ObjectSpec(_Strict):
    """How many objects of one kind to spawn and which colours they may have.

    Colours within a kind are always distinct, so names ("red block") are unique in a scene.
    """

    count: CountRange = Field((1, 1), description="An integer or [min, max].")
    colors: ColorDomains | None = Field(
        None, description="Colour domains per split (default: frame's)."
    )
    match: str | None = Field(
        None,
        description="Another kind whose colours these objects copy (same count): e.g. bowls matching blocks.",
    )


# ---- variables -------------------------------------------------------------------------------------

Scalar = str | int | float


class ChoiceOption(_Strict):
    """A choice whose words in the instruction differ from its value in the success condition."""

    text: str = Field(min_length=1, description="What the instruction says, e.g. '10 cm'.")
    value: Scalar = Field(description="What the success condition uses, e.g. 0.1.")


class PickVar(_Strict):
    """One of the sampled objects of the given kind(s), distinct from the other ``pick`` variables."""

    pick: str | list[str] = Field(description="A kind ('block') or a list of kinds.")


class ChoiceVar(_Strict):
    """A value drawn uniformly from a list or a preset (corners, sides, corners_and_sides, locations,
    directions)."""

    choice: str | list[ChoiceOption | str | int | float]


class OffsetSpec(_Strict):
    axis: Literal["x", "y"]
    distance: str | float = Field(description="Metres, or a {variable} holding metres.")
    direction: str = Field(description="left/right/top/bottom or a {variable}.")


class OffsetVar(_Strict):
    """A number: the x or y component (metres) of ``distance`` towards ``direction``."""

    offset: OffsetSpec


class BesideSpec(_Strict):
    kind: str
    of: str = Field(description="The reference object, a {variable}.")
    direction: str = Field(description="left/right/top/bottom or a {variable}.")
    margin: float = Field(
        0.03, ge=0, description="How clearly (metres) the objects must be on each side."
    )


class BesideVar(_Strict):
    """The only object of ``kind`` lying towards ``direction`` of ``of`` (layout resampled until unique)."""

    beside: BesideSpec


class ByDistanceSpec(_Strict):
    among: str = Field(
        description="A kind ('block') or a preset of locations ('corners', 'sides', ...)."
    )
    to: str = Field(description="The reference object, a {variable}.")
    extreme: str = Field(description="'closest', 'farthest' or a {variable} holding one of them.")
    margin: float = Field(
        0.02, ge=0, description="Min gap (metres) between the best and the runner-up."
    )


class ByDistanceVar(_Strict):
    """The object or location closest to / farthest from a reference."""

    by_distance: ByDistanceSpec


class NthSpec(_Strict):
    kind: str
    n: int | str = Field(description="1-based rank, or a {variable} holding it.")
    from_: str = Field(alias="from", description="left/right/top/bottom or a {variable}.")
    margin: float = Field(
        0.03, ge=0, description="Min gap (metres) to the neighbours in the ranking."
    )


class NthVar(_Strict):
    """The n-th object of ``kind`` counted from a side of the table."""

    nth: NthSpec


VARIABLE_FORMS: dict[str, type[_Strict]] = {
    "pick": PickVar,
    "choice": ChoiceVar,
    "offset": OffsetVar,
    "beside": BesideVar,
    "by_distance": ByDistanceVar,
    "nth": NthVar,
}
DERIVED_FORMS = ("beside", "by_distance", "nth")
"""Variables computed from the sampled layout."""


def _variable_key(value: Any) -> str | None:
    if isinstance(value, dict):
        return next(iter(value), None) if len(value) == 1 else None
    for key, cls in VARIABLE_FORMS.items():
        if isinstance(value, cls):
            return key
    return None


Variable = Annotated[
    Annotated[PickVar, Tag("pick")]
    | Annotated[ChoiceVar, Tag("choice")]
    | Annotated[OffsetVar, Tag("offset")]
    | Annotated[BesideVar, Tag("beside")]
    | Annotated[ByDistanceVar, Tag("by_distance")]
    | Annotated[NthVar, Tag("nth")],
    Discriminator(
        _variable_key,
        custom_error_type="unknown_variable_form",
        custom_error_message=(
            "a variable is a mapping with exactly one key, one of: " + ", ".join(VARIABLE_FORMS)
        ),
    ),
]


def variable_form(var: BaseModel) -> str:
    """The YAML key of a variable definition, e.g. ``"pick"``."""
    key = _variable_key(var)
    assert key is not None
    return key


# ---- layout, budget, file ---------------------------------------------------------------------------


class RelativeTarget(_Strict):
    """A point relative to an object: ``relative_to`` + (dx, dy) metres."""

    relative_to: str = Field(description="An object {variable}.")
    dx: float | str = 0.0
    dy: float | str = 0.0


KeepClear = str | RelativeTarget


class Layout(_Strict):
    """Placement constraints for the random layout."""

    edge_margin: float = Field(
        0.05, ge=0, description="Min distance of object centres from the edges."
    )
    min_separation: float = Field(
        0.02, ge=0, description="Min gap between object footprints, metres."
    )
    keep_clear: list[KeepClear] = Field(
        default_factory=list,
        description=(
            "Places the task puts things: location names, presets (corners/sides/locations), {variables} "
            "or relative targets. Each must lie inside the workspace and no object may be spawned on it."
        ),
    )
    keep_clear_radius: float = Field(
        0.05, ge=0, description="Radius of the free disk around each place."
    )
    max_attempts: int = Field(
        2000, ge=1, le=100_000, description="Layouts to try before giving up."
    )


class CallsFormula(_Strict):
    base: int = Field(ge=0, le=100_000)
    per_object: int = Field(ge=0, le=10_000)


class Budget(_Strict):
    """Limits for one episode."""

    max_calls: Annotated[int, Field(gt=0, le=100_000)] | CallsFormula = Field(
        description="Max primitive calls: an integer or {base, per_object}."
    )
    max_sim_seconds: float = Field(gt=0, le=86_400, description="At most a day.")


class ScenarioFile(_Strict):
    """One task family: the top level of a scenario YAML file."""

    family: str = Field(
        pattern=FAMILY_PATTERN, description="Family id in kebab-case, e.g. 'stack-blocks'."
    )
    description: str = ""
    gym_name: str | None = Field(
        None,
        pattern=GYM_NAME_PATTERN,
        description="CamelCase base of the gymnasium name (default: from family).",
    )
    instruction_split: Split
    difficulty: Difficulty
    oracle: str | None = Field(
        None, description="Name of the reference program (default: the family id)."
    )
    tags: list[str] = Field(default_factory=list)
    world: str = Field(
        "tabletop",
        description=(
            "Where episodes run: 'tabletop' (our world), or an adapter world that drives a "
            "third-party gymnasium env (e.g. 'panda-pick-and-place'; its objects come from the env)."
        ),
    )
    objects: dict[str, ObjectSpec] = Field(
        default_factory=dict,
        description="Object kinds to spawn (tabletop: at least one; adapter worlds: none).",
    )
    variables: dict[str, Variable] = Field(default_factory=dict)
    instructions: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    layout: Layout = Field(default_factory=Layout)
    success: Condition
    budget: Budget

    @property
    def gym_base_name(self) -> str:
        """CamelCase gymnasium name of the seen scenario, e.g. ``StackBlocks``."""
        return self.gym_name or "".join(part.capitalize() for part in self.family.split("-"))

    @property
    def is_adapter(self) -> bool:
        """Whether episodes run in an adapter world rather than our tabletop."""
        return self.world != "tabletop"

    @property
    def oracle_name(self) -> str:
        """The reference program's name."""
        return self.oracle or self.family


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (draft 2020-12, as pydantic emits it)."""
    schema = ScenarioFile.model_json_schema(by_alias=True)
    schema["title"] = "codepolicy scenario file"
    return schema


def scenario_json_schema_text() -> str:
    """:func:`scenario_json_schema` as indented JSON text."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=False)
