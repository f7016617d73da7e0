"""Load scenario files: YAML text to validated models, with errors that point at file, line and field.

Example:
    >>> from codepolicy.scenario.catalog import shipped_files
    >>> family = load_family(next(p for p in shipped_files() if p.stem == "stack-blocks"))
    >>> family.scenario("unseen").name
    'stack-blocks-unseen'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from codepolicy.scenario.checks import check_spec
from codepolicy.scenario.domains import color_domains, count_range
from codepolicy.scenario.errors import PathItem, Problem, ScenarioError
from codepolicy.scenario.refs import VarInfo, close_matches
from codepolicy.scenario.schema import SPLITS, ScenarioFile, Split
from codepolicy.scenario.yamlio import MAX_BYTES, YamlDocument, decode_bytes, read_yaml

if TYPE_CHECKING:
    from codepolicy.scenario.sampler import Episode


@dataclass(frozen=True, eq=False)
class Family:
    """A validated scenario file: one task family with both attribute splits.

    Attributes:
        spec: The validated file contents.
        source: Where it was loaded from (file path or a label).
        variables: What is known about each declared variable.
    """

    spec: ScenarioFile
    source: str
    variables: dict[str, VarInfo] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The family id, e.g. ``stack-blocks``."""
        return self.spec.family

    def scenario(self, split: Split = "seen") -> Scenario:
        """The scenario of this family for one attribute split."""
        if split not in SPLITS:
            raise ValueError(f"split must be 'seen' or 'unseen', not {split!r}")
        return Scenario(self, split)

    def scenarios(self) -> list[Scenario]:
        """Both scenarios: seen colours first, then unseen colours (an adapter world, whose env
        fixes the colours, has one scenario)."""
        if self.spec.is_adapter:
            return [Scenario(self, "seen")]
        return [Scenario(self, split) for split in SPLITS]


@dataclass(frozen=True, eq=False)
class Scenario:
    """A family together with an attribute split: what an episode is sampled from.

    Attributes:
        family: The family (the scenario file).
        attribute_split: ``"seen"`` (seen colours) or ``"unseen"`` (unseen colours).
    """

    family: Family
    attribute_split: Split

    @property
    def spec(self) -> ScenarioFile:
        """The scenario file's model."""
        return self.family.spec

    @property
    def name(self) -> str:
        """``<family>-seen`` or ``<family>-unseen``; an adapter world's scenario is the family."""
        if self.spec.is_adapter:
            return self.spec.family
        return f"{self.spec.family}-{self.attribute_split}"

    @property
    def gym_name(self) -> str:
        """CamelCase gymnasium name, e.g. ``StackBlocks`` / ``StackBlocksUnseen``."""
        base = self.spec.gym_base_name
        return base if self.attribute_split == "seen" or self.spec.is_adapter else f"{base}Unseen"

    @property
    def gym_id(self) -> str:
        """The id the environment is registered under, e.g. ``codepolicy/StackBlocks-v0``."""
        return f"codepolicy/{self.gym_name}-v0"

    @property
    def colors(self) -> dict[str, tuple[str, ...]]:
        """Colour domain of each kind in this split."""
        return {kind: d[self.attribute_split] for kind, d in color_domains(self.spec).items()}

    @property
    def object_count_range(self) -> tuple[int, int]:
        """Fewest and most objects an episode spawns (an adapter world: the objects its env has)."""
        if self.spec.is_adapter:
            from codepolicy.envs.adapters.spec import get_spec

            count = len(get_spec(self.spec.world).objects)
            return count, count
        ranges = [count_range(self.spec, kind) for kind in self.spec.objects]
        return sum(r[0] for r in ranges), sum(r[1] for r in ranges)

    def sample(self, seed: int) -> Episode:
        """Draw the episode for ``seed`` (see :func:`codepolicy.scenario.sampler.sample_episode`)."""
        from codepolicy.scenario.sampler import sample_episode

        return sample_episode(self, seed)

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, source={self.family.source!r})"


# ---- loading --------------------------------------------------------------------------------------


def load_family(path: str | Path) -> Family:
    """Load and validate one scenario file.

    Args:
        path: The YAML file.

    Returns:
        The validated family.

    Raises:
        ScenarioError: With every problem found (file, line, field, message).
    """
    source = str(path)
    try:
        with open(path, "rb") as fh:
            text = decode_bytes(fh.read(MAX_BYTES + 1), source)
    except FileNotFoundError:
        raise ScenarioError([Problem(source, None, "(file)", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError(
            [Problem(source, None, "(file)", "is a directory, not a file")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(source, None, "(file)", f"cannot read: {exc}")]) from None
    return load_family_text(text, source)


def load_family_text(text: str, source: str = "<string>") -> Family:
    """Load and validate scenario YAML given as text (``source`` names it in errors)."""
    return family_from_document(read_yaml(text, source))


def family_from_data(data: Any, source: str = "<data>") -> Family:
    """Validate scenario data already loaded into Python (no line numbers in errors)."""
    return family_from_document(YamlDocument(source, data))


def family_from_document(doc: YamlDocument) -> Family:
    """Validate a parsed document: structure with pydantic, then cross-field checks.

    Raises:
        ScenarioError: With every problem found, sorted by line.
    """
    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
        raise ScenarioError(
            [doc.problem((), f"expected a mapping of fields at the top, got {kind}")]
        )
    try:
        spec = ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        from codepolicy.scenario.salvage import cross_field_problems

        shape = pydantic_problems(doc, exc)
        seen = {(p.path, p.message) for p in shape}
        more = [doc.problem(path, message) for path, message in cross_field_problems(doc.data, exc)]
        more = [p for p in more if (p.path, p.message) not in seen]
        raise ScenarioError(_sorted(shape + more)) from None
    infos: dict[str, VarInfo]
    if spec.is_adapter:
        from codepolicy.scenario.worlds import check_adapter_scenario

        found, infos = check_adapter_scenario(spec), {}
    elif not spec.objects:
        found, infos = [(("objects",), "a tabletop scenario needs at least one object kind")], {}
    else:
        found, infos = check_spec(spec)
    if found:
        raise ScenarioError(_sorted([doc.problem(path, message) for path, message in found]))
    return Family(spec, doc.source, infos)


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem in a scenario file (an empty list when it is valid); never raises for bad input."""
    try:
        load_family(path)
    except ScenarioError as exc:
        return exc.problems
    return []


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


# ---- pydantic errors to problems ------------------------------------------------------------------

_QUOTES_HINT = (
    'did you forget quotes? In YAML, {{{name}}} unquoted is a mapping: write "{{{name}}}"'
)


def _resolve(data: Any, loc: Sequence[Any], error_type: str) -> tuple[list[PathItem], Any]:
    """Follow a pydantic ``loc`` through the data, skipping union members and discriminator tags."""
    path: list[PathItem] = []
    current = data
    for i, item in enumerate(loc):
        last = i == len(loc) - 1
        in_dict = isinstance(current, dict) and item in current
        in_list = isinstance(current, list) and isinstance(item, int) and 0 <= item < len(current)
        if in_dict or in_list:
            current = current[item]
            path.append(item)
        elif last and error_type in ("missing", "extra_forbidden") and isinstance(item, str):
            path.append(item)
            current = None
    return path, current


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:6])
        return f"a mapping with keys: {keys}" if keys else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if value is None:
        return "nothing (null)"
    return repr(value)


def _message(err: Any, value: Any, path: list[PathItem]) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{path[-1] if path else '?'}'"
    if msg.startswith(("Value error, ", "Assertion failed, ")):
        return msg.split(", ", 1)[1]
    if isinstance(value, dict) and len(value) == 1 and next(iter(value.values())) is None:
        name = next(iter(value))
        return f"{msg}; {_QUOTES_HINT.format(name=name)}"
    return f"{msg} (got {_describe(value)})"


def pydantic_problems(doc: YamlDocument, exc: ValidationError) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into located problems (one per field, unions merged)."""
    grouped: dict[tuple[PathItem, ...], list[str]] = {}
    missing: dict[tuple[PathItem, ...], list[str]] = {}
    for err in exc.errors(include_url=False):
        path, value = _resolve(doc.data, err["loc"], err["type"])
        if err["type"] == "missing" and path:
            missing.setdefault(tuple(path[:-1]), []).append(str(path[-1]))
        message = _message(err, value, path)
        messages = grouped.setdefault(tuple(path), [])
        if message not in messages:
            messages.append(message)
    problems = []
    for where, texts in grouped.items():
        text = texts[0] if len(texts) == 1 else "expected one of: " + " | ".join(texts)
        if text.startswith("unknown field") and where:
            text += close_matches(str(where[-1]), missing.get(where[:-1], []))
        problems.append(doc.problem(where, text))
    return problems
