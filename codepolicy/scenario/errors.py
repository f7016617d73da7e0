"""Error types for scenario files: every problem names the file, the line, the field and what is wrong.

Example:
    >>> err = ScenarioError([Problem("a.yaml", 3, "objects.block.count", "must be at least 0")])
    >>> print(err)
    a.yaml:3: objects.block.count: must be at least 0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathItem = str | int
"""One step of a field path: a mapping key or a list index."""


def format_path(path: Sequence[PathItem]) -> str:
    """Render a field path the way people read it, e.g. ``success.all[1].at.location``.

    Args:
        path: Mapping keys and list indices from the document root.

    Returns:
        The dotted path, or ``(top level)`` for the empty path.
    """
    out = ""
    for item in path:
        if isinstance(item, int):
            out += f"[{item}]"
        else:
            out += f".{item}" if out else str(item)
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file.

    Attributes:
        file: The file (or other source) the problem is in.
        line: 1-based line number, or ``None`` when it cannot be told.
        path: Field path inside the document, e.g. ``variables.block.pick``.
        message: What is wrong, in plain words.
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.path}: {self.message}"


class ScenarioError(Exception):
    """A scenario file (or a request for a scenario) is invalid.

    Attributes:
        problems: Every problem found, in document order where possible.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UnknownScenarioError(ScenarioError, LookupError):
    """No shipped scenario has the requested name.

    Attributes:
        name: The name that was asked for.
        suggestions: Close matches among the known names (possibly empty).
    """

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        message = f"unknown scenario '{name}'{hint} (run `codepolicy scenarios list`)"
        super().__init__([Problem("<scenarios>", None, "name", message)])

    def __str__(self) -> str:
        return self.problems[0].message


class SamplingError(ScenarioError, RuntimeError):
    """An episode could not be drawn: the constraints are unsatisfiable for this scenario and seed."""

    def __init__(self, file: str, scenario: str, seed: int, message: str) -> None:
        self.scenario = scenario
        self.seed = seed
        super().__init__(
            [Problem(file, None, "layout", f"scenario '{scenario}', seed {seed}: {message}")]
        )
