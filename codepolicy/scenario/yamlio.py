"""YAML reading that remembers where every value came from and refuses duplicate keys.

PyYAML's composer gives every node a start mark; we build the plain data and, alongside it, a map from
field paths (tuples of keys and indices) to 1-based line numbers, so validation errors can point at lines.

Scenario files come from other people too, so reading is bounded: at most :data:`MAX_BYTES` of
UTF-8 (:func:`decode_bytes` names other encodings), :data:`MAX_DEPTH` levels of nesting, and
:data:`MAX_NODES` nodes once aliases are expanded (an alias bomb is refused, not expanded); a
recursive alias is refused; scalars are at most :data:`MAX_SCALAR` characters. Each limit ends in
one problem naming the file and line.

Example:
    >>> doc = read_yaml("a: 1\\nb:\\n  - x\\n", "f.yaml")
    >>> doc.data, doc.line_of(("b", 0))
    ({'a': 1, 'b': ['x']}, 3)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from codepolicy.scenario.errors import PathItem, Problem, ScenarioError, format_path

Path = tuple[PathItem, ...]

MAX_BYTES = 1_000_000
"""Largest scenario file read."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and lists."""
MAX_NODES = 50_000
"""Most nodes in a document, counting each use of an alias as a copy of what it names."""
MAX_SCALAR = 100_000
"""Longest single value (characters)."""
MAX_ALIASES = 1_000
"""Most alias uses in one document."""

_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge", "timestamp")
)
"""Node tags a scenario file may use (what plain YAML resolves to); no application tags."""


class _Limit(Exception):
    """A document exceeds a reading limit (carries the line)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def decode_bytes(data: bytes, source: str) -> str:
    """Scenario file bytes as text: UTF-8 (a UTF-8 byte-order mark is allowed), bounded.

    Raises:
        ScenarioError: too large, another encoding, invalid UTF-8 or NUL characters.
    """

    def fail(line: int | None, message: str) -> ScenarioError:
        return ScenarioError([Problem(source, line, "(file)", message)])

    if len(data) > MAX_BYTES:
        raise fail(
            None, f"file too large (more than {MAX_BYTES} bytes, the limit for scenario files)"
        )
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise fail(1, f"the file is {name} encoded; scenario files must be UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(
            line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    if "\x00" in text:
        raise fail(text[: text.index("\x00")].count("\n") + 1, "the file contains NUL characters")
    return text


@dataclass
class YamlDocument:
    """Plain data loaded from YAML plus the line of every node.

    Attributes:
        source: File name used in error messages.
        data: The loaded data (dicts, lists, scalars).
        lines: Line of the value at each path.
        key_lines: Line of the key of each mapping entry (where the field name is written).
    """

    source: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    key_lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[PathItem]) -> int | None:
        """Best line for a path: the node itself, else its nearest ancestor that exists."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            # A mapping value that is itself a mapping/list starts on the line after its key; the key
            # line is where people look, so prefer it for the exact path.
            if prefix in self.key_lines:
                return self.key_lines[prefix]
            if prefix in self.lines:
                return self.lines[prefix]
        return None

    def problem(self, path: Sequence[PathItem], message: str) -> Problem:
        """A :class:`Problem` located at ``path`` in this document."""
        return Problem(self.source, self.line_of(path), format_path(path), message)


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans (only true/false, so ``on:`` stays a string), and limits
    on nesting depth and alias uses while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Limit(_line_of_event(self.peek_event()), f"more than {MAX_ALIASES} aliases")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Limit(
                    _line_of_event(self.peek_event()), f"nested more than {MAX_DEPTH} levels deep"
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line_of_event(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Walk:
    """Bookkeeping of one document build: nodes built and the nodes on the current path."""

    def __init__(self) -> None:
        self.nodes = 0
        self.open: set[int] = set()


def _build(
    loader: _Loader,
    node: yaml.Node,
    path: Path,
    doc: YamlDocument,
    problems: list[Problem],
    walk: _Walk | None = None,
) -> Any:
    walk = walk if walk is not None else _Walk()
    walk.nodes += 1
    if walk.nodes > MAX_NODES:
        raise _Limit(
            _line(node),
            f"document too large: more than {MAX_NODES} values once aliases are expanded",
        )
    if len(path) > MAX_DEPTH:
        raise _Limit(_line(node), f"nested more than {MAX_DEPTH} levels deep")
    if id(node) in walk.open:
        raise _Limit(_line(node), "recursive alias: a value contains itself")
    if node.tag not in _ALLOWED_TAGS:
        raise _Limit(_line(node), f"YAML tag '{node.tag[:80]}' is not allowed in scenario files")
    doc.lines[path] = _line(node)
    if isinstance(node, yaml.ScalarNode):
        if len(node.value) > MAX_SCALAR:
            raise _Limit(_line(node), f"a value longer than {MAX_SCALAR} characters")
        return loader.construct_object(node, deep=True)
    walk.open.add(id(node))
    try:
        return _build_collection(loader, node, path, doc, problems, walk)
    finally:
        walk.open.discard(id(node))


def _build_collection(
    loader: _Loader,
    node: yaml.Node,
    path: Path,
    doc: YamlDocument,
    problems: list[Problem],
    walk: _Walk,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        _check_merges(node, walk)
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            plain = isinstance(key_node, yaml.ScalarNode)
            key = _build(loader, key_node, path, doc, problems, walk) if plain else None
            if not plain or (not isinstance(key, (str, int, float, bool)) and key is not None):
                problems.append(
                    Problem(
                        doc.source,
                        _line(key_node),
                        format_path(path),
                        "mapping keys must be plain values",
                    )
                )
                continue
            item: PathItem = key if isinstance(key, (str, int)) else str(key)
            here: Path = (*path, item)
            if key in out:
                first = doc.key_lines.get(here)
                problems.append(
                    Problem(
                        doc.source,
                        _line(key_node),
                        format_path(here),
                        f"duplicate key '{key}' (first given on line {first})",
                    )
                )
                continue
            doc.key_lines[here] = _line(key_node)
            out[key] = _build(loader, value_node, here, doc, problems, walk)
        return out
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        for i, child in enumerate(node.value):
            items.append(_build(loader, child, (*path, i), doc, problems, walk))
        return items
    return loader.construct_object(node, deep=True)


def _check_merges(node: yaml.MappingNode, walk: _Walk, depth: int = 0) -> None:
    """Merge keys (``<<: *a``) are flattened by PyYAML recursively: refuse cycles and bombs."""
    for key_node, value_node in node.value:
        if key_node.tag != "tag:yaml.org,2002:merge":
            continue
        targets = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for target in targets:
            walk.nodes += 1
            if walk.nodes > MAX_NODES or depth > MAX_DEPTH:
                raise _Limit(_line(key_node), "merge keys ('<<') nested or repeated too much")
            if target is node or id(target) in walk.open:
                raise _Limit(_line(key_node), "recursive merge key: a mapping merges itself")
            if isinstance(target, yaml.MappingNode):
                walk.open.add(id(target))
                try:
                    _check_merges(target, walk, depth + 1)
                finally:
                    walk.open.discard(id(target))


def read_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document, keeping line numbers.

    Args:
        text: The YAML text.
        source: File name for error messages.

    Returns:
        The document with its data and line maps.

    Raises:
        ScenarioError: On syntax errors, several documents in one file, an empty file or duplicate keys.
    """
    doc = YamlDocument(source, None)
    if len(text) > MAX_BYTES:
        raise ScenarioError(
            [
                Problem(
                    source, None, "(file)", f"document too large (more than {MAX_BYTES} characters)"
                )
            ]
        )
    problems: list[Problem] = []
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(source, 1, "(top level)", "the file is empty")])
        doc.data = _build(loader, node, (), doc, problems)
    except _Limit as exc:
        raise ScenarioError([Problem(source, exc.line, "(yaml)", exc.message)]) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(source, None, "(yaml)", "nested too deeply or recursive")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError(
            [Problem(source, line, "(yaml)", f"YAML syntax error: {what}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(
            [Problem(source, None, "(yaml)", f"YAML error: {str(exc)[:300]}")]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if problems:
        raise ScenarioError(problems)
    return doc
