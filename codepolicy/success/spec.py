"""The declarative success language: predicates over a scene, combined with all / any / not and
quantifiers.

A condition is written in a scenario file as nested single-key mappings. Strings may name an object
literally ("red block") or refer to a variable in braces ("{block}"): scenario variables are bound
when an episode is sampled, quantifier variables while the condition is evaluated. Object sets are
``blocks``, ``bowls`` and ``objects`` (everything in the scene), a variable bound to a list, or an
explicit list.

Evaluation, reward and explanations live in :mod:`codepolicy.success.evaluate`.

Example (YAML):

    success:
      forall:
        var: b
        in: blocks
        check: {inside: {object: "{b}", container: "{bowl}"}}

Example (Python):
    >>> cond = parse_condition({"on": {"object": "red block", "target": "blue bowl"}})
    >>> type(cond).__name__
    'On'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from codepolicy.envs.frame import ON_BOWL_XY_TOLERANCE

ObjectRef = Annotated[str, Field(min_length=1, description="Object name or {variable}.")]
SetRef = Annotated[
    str | list[str],
    Field(
        description=(
            "'blocks', 'bowls', 'objects', a {variable} bound to a list, or a list of object refs."
        )
    ),
]
LocationRef = Annotated[
    str | tuple[float, float],
    Field(description="Named location ('top left corner'), {variable}, or [x, y] in metres."),
]
SET_NAMES = ("blocks", "bowls", "objects")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---- arguments -----------------------------------------------------------------------------------


class PairArgs(_Node):
    object: ObjectRef
    target: ObjectRef


class InsideArgs(_Node):
    object: ObjectRef
    container: ObjectRef


class AtArgs(_Node):
    object: ObjectRef
    location: LocationRef
    tolerance: float = Field(ON_BOWL_XY_TOLERANCE, gt=0, description="Max xy distance, metres.")


class StackedArgs(_Node):
    objects: SetRef = Field(description="Bottom to top when order is 'given'.")
    order: Literal["given", "any"] = "given"


class InLineArgs(_Node):
    objects: SetRef
    orientation: Literal["horizontal", "vertical", "diagonal", "any"] | str = "any"
    tolerance: float = Field(
        0.03, gt=0, description="Max distance of any object from the fitted line."
    )
    min_spacing: float = Field(0.03, ge=0, description="Min distance between neighbouring objects.")


class RelationArgs(_Node):
    object: ObjectRef
    reference: ObjectRef
    margin: float = Field(0.0, ge=0, description="How far past the reference the object must be.")


class NearArgs(_Node):
    object: ObjectRef
    reference: ObjectRef
    distance: float = Field(gt=0, description="Max distance, metres.")
    dims: Literal["xy", "xyz"] = Field(
        "xy", description="Measure in the table plane (xy) or in space (xyz, e.g. to a goal point)."
    )


class OffsetArgs(_Node):
    object: ObjectRef
    reference: ObjectRef
    dx: float | str = Field(description="Wanted x offset in metres, or a {variable}.")
    dy: float | str = Field(description="Wanted y offset in metres, or a {variable}.")
    tolerance: float = Field(0.03, gt=0)


class DistinctLocationsArgs(_Node):
    objects: SetRef
    locations: list[LocationRef] | str = Field(
        description="Candidate locations, or 'corners' / 'sides' / 'locations'."
    )
    tolerance: float = Field(ON_BOWL_XY_TOLERANCE, gt=0)


class QuantifierArgs(_Node):
    var: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    in_: SetRef = Field(alias="in")
    where: Condition | None = None
    check: Condition


# ---- predicates (each a single-key mapping) ------------------------------------------------------


class On(_Node):
    """``object`` rests on ``target`` (a bowl: xy < 6 cm; a block: xy < 4 cm and higher)."""

    on: PairArgs


class Inside(_Node):
    """``object`` lies inside the bowl ``container``."""

    inside: InsideArgs


class At(_Node):
    """``object`` is within ``tolerance`` of a location in the table plane."""

    at: AtArgs


class Stacked(_Node):
    """``objects`` form one tower (bottom to top when order is given)."""

    stacked: StackedArgs


class InLine(_Node):
    """``objects`` lie on one straight line of the given orientation."""

    in_line: InLineArgs


class LeftOf(_Node):
    left_of: RelationArgs


class RightOf(_Node):
    right_of: RelationArgs


class Above(_Node):
    """``object`` is further towards the top side (larger y) than ``reference``."""

    above: RelationArgs


class Below(_Node):
    below: RelationArgs


class Near(_Node):
    near: NearArgs


class Offset(_Node):
    """``object`` sits at ``reference`` + (dx, dy) within ``tolerance``."""

    offset: OffsetArgs


class DistinctLocations(_Node):
    """Every object is at one of ``locations``, no two at the same one."""

    distinct_locations: DistinctLocationsArgs


class SameColor(_Node):
    same_color: tuple[ObjectRef, ObjectRef]


class DifferentColor(_Node):
    different_color: tuple[ObjectRef, ObjectRef]


class All(_Node):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Node):
    any: list[Condition] = Field(min_length=1)


class Not(_Node):
    not_: Condition = Field(alias="not")


class ForAll(_Node):
    forall: QuantifierArgs


class Exists(_Node):
    exists: QuantifierArgs


PREDICATES: dict[str, type[_Node]] = {
    "on": On,
    "inside": Inside,
    "at": At,
    "stacked": Stacked,
    "in_line": InLine,
    "left_of": LeftOf,
    "right_of": RightOf,
    "above": Above,
    "below": Below,
    "near": Near,
    "offset": Offset,
    "distinct_locations": DistinctLocations,
    "same_color": SameColor,
    "different_color": DifferentColor,
    "all": All,
    "any": AnyOf,
    "not": Not,
    "forall": ForAll,
    "exists": Exists,
}


def _predicate_key(value: Any) -> str | None:
    if isinstance(value, dict):
        return next(iter(value), None) if len(value) == 1 else None
    for key, cls in PREDICATES.items():
        if isinstance(value, cls):
            return key
    return None


if TYPE_CHECKING:  # the runtime union below is built dynamically; type checkers see Any
    Condition = Any
else:
    Condition = Annotated[
        Union[tuple(Annotated[cls, Tag(key)] for key, cls in PREDICATES.items())],  # noqa: UP007
        Discriminator(
            _predicate_key,
            custom_error_type="unknown_predicate",
            custom_error_message=(
                "expected a mapping with exactly one predicate key, one of: "
                + ", ".join(PREDICATES)
            ),
        ),
    ]

for _model in (QuantifierArgs, All, AnyOf, Not, ForAll, Exists):
    _model.model_rebuild()

_CONDITION_ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)


def parse_condition(data: Any) -> Any:
    """Validate a condition given as plain data (e.g. loaded from YAML) and return its model."""
    return _CONDITION_ADAPTER.validate_python(data)


def predicate_name(node: BaseModel) -> str:
    """The YAML key of a condition node, e.g. ``"on"`` or ``"not"``."""
    key = _predicate_key(node)
    if key is None:
        raise TypeError(f"not a condition node: {node!r}")
    return key
