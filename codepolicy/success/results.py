"""What evaluating a success condition returns: JSON-serialisable pydantic models.

Example:
    >>> r = PredicateResult(index=0, predicate="near", text="near(a, b)", holds=True, progress=1.0,
    ...                     explanation="a is 1.0 cm from the b")
    >>> r.satisfied
    True
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, computed_field


class ConditionError(ValueError):
    """A bound condition cannot be evaluated (unknown name, unbound variable, bad value)."""


class PredicateResult(BaseModel):
    """One leaf predicate instance (quantifiers expanded), e.g. ``on(red block, blue bowl)``.

    Attributes:
        index: Position in :attr:`SuccessEvaluation.predicates`.
        predicate: The predicate's key, e.g. ``"on"``.
        text: The instance with names filled in, e.g. ``"on(red block, blue bowl)"``.
        holds: Whether the predicate is true in the scene.
        progress: 1.0 when it holds, otherwise in [0, 0.9], larger when closer to holding.
        explanation: Plain English with the numbers, distances in centimetres.
        negated: Under an odd number of ``not``: the condition wants it to be false.
        bindings: Quantifier variables in scope, e.g. ``{"b": "red block"}``.
    """

    model_config = ConfigDict(frozen=True)

    index: int
    predicate: str
    text: str
    holds: bool
    progress: float = Field(ge=0.0, le=1.0)
    explanation: str
    negated: bool = False
    bindings: dict[str, str] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def satisfied(self) -> bool:
        """Whether the condition wants it this way (it holds, or it fails under ``not``)."""
        return self.holds != self.negated


class ConditionResult(BaseModel):
    """The evaluated condition as a tree, one node per condition node (quantifiers: per element).

    Attributes:
        kind: The node's predicate key (``"all"``, ``"forall"``, ``"on"``, ...).
        text: Leaf instance text, or a short description of a composite node.
        holds: Truth of this node.
        progress: Progress towards this node holding (1.0 iff it holds).
        progress_to_false: Progress towards this node not holding (1.0 iff it does not hold).
        binding: For a quantifier's child, the element it stands for, e.g. ``"b = red block"``.
        predicate_index: For a leaf, its index in :attr:`SuccessEvaluation.predicates`.
        note: Extra information, e.g. how many elements passed a quantifier's ``where``.
    """

    model_config = ConfigDict(frozen=True)

    kind: str
    text: str
    holds: bool
    progress: float = Field(ge=0.0, le=1.0)
    progress_to_false: float = Field(ge=0.0, le=1.0)
    binding: str | None = None
    predicate_index: int | None = None
    note: str = ""
    children: list[ConditionResult] = Field(default_factory=list)


class SuccessEvaluation(BaseModel):
    """The world's answer to "is the task done?".

    Attributes:
        success: Whether the whole condition holds.
        reward: Dense reward in [0, 1]; exactly 1.0 iff ``success``.
        explanation: Compact plain-English summary: what fails first, then what holds.
        predicates: Every leaf predicate instance, in evaluation order.
        tree: The evaluated condition tree.
        condition: A human description of the condition.
    """

    model_config = ConfigDict(frozen=True)

    success: bool
    reward: float = Field(ge=0.0, le=1.0)
    explanation: str
    predicates: list[PredicateResult]
    tree: ConditionResult
    condition: str = ""

    @property
    def failed(self) -> list[PredicateResult]:
        """Leaf instances that are not the way the condition wants them."""
        return [p for p in self.predicates if not p.satisfied]

    @property
    def satisfied(self) -> list[PredicateResult]:
        """Leaf instances that are the way the condition wants them."""
        return [p for p in self.predicates if p.satisfied]
