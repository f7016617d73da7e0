"""YAML reading that remembers where every value came from and refuses duplicate keys.

PyYAML's composer gives every node a start mark; we build the plain data and, alongside it, a map from
field paths (tuples of keys and indices) to 1-based line numbers, so validation errors can point at lines.

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
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans, so ``on:`` stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _build(
    loader: _Loader, node: yaml.Node, path: Path, doc: YamlDocument, problems: list[Problem]
) -> Any:
    doc.lines[path] = _line(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
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
            out[key] = _build(loader, value_node, here, doc, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        for i, child in enumerate(node.value):
            items.append(_build(loader, child, (*path, i), doc, problems))
        return items
    return loader.construct_object(node, deep=True)


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
    loader = _Loader(text)
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(source, 1, "(top level)", "the file is empty")])
        doc.data = _build(loader, node, (), doc, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError(
            [Problem(source, line, "(yaml)", f"YAML syntax error: {what}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, None, "(yaml)", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise ScenarioError(problems)
    return doc
