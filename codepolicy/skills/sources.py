"""Where mined programs come from: the successful episodes of bench run directories, and program
files.

A run directory's ``results.jsonl`` holds one record per episode
(:class:`codepolicy.bench.record.EpisodeRecord`); a successful episode's final program is the
program of its last round. The records are read here with a small model of only the fields mining
needs, not through :mod:`codepolicy.bench` (the bench runs the pipeline, which loads libraries, so
importing it would make a cycle); like the bench's own reader, a torn last line is ignored and
the first record of each key is kept.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "put.py"
    >>> _ = path.write_text("def put(a, b):\\n    pick_and_place(a, b)\\n")
    >>> [p.origin for p in program_sources([path])] == [str(path)]
    True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from codepolicy.skills.library import LibraryError

RESULTS_NAME = "results.jsonl"


@dataclass(frozen=True)
class ProgramSource:
    """One program to mine, and where it came from.

    Attributes:
        program: The source.
        origin: The run directory or program file.
        kind: ``"run"`` or ``"file"``.
        scenario, family, seed, episode: The episode's (``None`` for a program file).
    """

    program: str
    origin: str
    kind: str = "file"
    scenario: str | None = None
    family: str | None = None
    seed: int | None = None
    episode: str | None = None


class _Round(BaseModel):
    model_config = ConfigDict(extra="ignore")
    program: str = ""


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")
    key: str
    scenario: str
    family: str = ""
    seed: int
    success: bool
    rounds: list[_Round] = []


def run_programs(directory: Path) -> list[ProgramSource]:
    """The final program of every successful episode of a run directory, in file order.

    Raises:
        LibraryError: no ``results.jsonl``, or a complete line that is not a valid record
            (naming the file and the line).
    """
    path = directory / RESULTS_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LibraryError(f"{directory}: not a bench run directory (no {RESULTS_NAME})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(f"cannot read {path}: {exc}") from None
    lines = text.split("\n")
    complete = lines[:-1]  # the last piece is empty, or a torn line of an interrupted write
    seen: set[str] = set()
    found: list[ProgramSource] = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            record = _Record.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not an episode record"
            raise LibraryError(f"{path}:{number}: {reason}") from None
        if record.key in seen:
            continue
        seen.add(record.key)
        if not record.success or not record.rounds or not record.rounds[-1].program.strip():
            continue
        found.append(
            ProgramSource(
                program=record.rounds[-1].program,
                origin=str(directory),
                kind="run",
                scenario=record.scenario,
                family=record.family or None,
                seed=record.seed,
                episode=record.key,
            )
        )
    return found


def program_sources(inputs: Sequence[str | Path]) -> list[ProgramSource]:
    """Every program of ``inputs``: run directories (their successful episodes) and ``.py`` files.

    Raises:
        LibraryError: an input that does not exist, is neither a directory nor a ``.py`` file,
            or cannot be read.
    """
    found: list[ProgramSource] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += run_programs(path)
        elif path.is_file() and path.suffix == ".py":
            try:
                found.append(ProgramSource(path.read_text(encoding="utf-8"), str(path)))
            except (OSError, UnicodeDecodeError) as exc:
                raise LibraryError(f"cannot read program file {path}: {exc}") from None
        elif path.exists():
            raise LibraryError(f"{path}: neither a bench run directory nor a .py program file")
        else:
            raise LibraryError(f"{path}: no such run directory or program file")
    return found
