"""The skill library file: a versioned JSON document, validated with pydantic on every read.

A library lists functions mined from successful programs (:mod:`codepolicy.skills.mine`), each
with its source, the signature and docstring a prompt shows, the primitives it calls and where it
came from. The file is untrusted input: a bad one is refused with one line naming the file and the
field, and every function is vetted again before a run uses it (:mod:`codepolicy.skills.use`).

Example:
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "lib.json"
    >>> _ = path.write_text(json.dumps({"schema_version": 1, "skills": [{"name": "f"}]}))
    >>> read_library(path)
    Traceback (most recent call last):
    ...
    codepolicy.skills.library.LibraryError: .../lib.json: skills.0.signature: Field required (and 3 more)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codepolicy.errors import ConfigError

LIBRARY_SCHEMA: Literal[1] = 1
"""Version of the library layout; a file with another version is refused."""
MAX_LIBRARY_BYTES = 2_000_000
"""Larger files are refused without parsing."""
MAX_SKILLS = 200
"""Most functions one library may hold (each costs prompt tokens)."""

_IDENTIFIER = r"^[A-Za-z][A-Za-z0-9_]*$"


class LibraryError(ConfigError):
    """A skill library file cannot be used; the message names the file and the field."""


class Provenance(BaseModel):
    """Where a skill was found: every successful program that defined it (after deduplication).

    Attributes:
        count: Programs that defined it.
        names: The names it was written under (the most frequent became its name).
        scenarios: Scenarios of the episodes (empty for program files).
        families: Their task families.
        runs: Run directories it was mined from.
        files: Program files it was mined from.
        seeds: Episode seeds.
        episodes: Episode ids (``scenario|seed|variant``) of the records.
    """

    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1)
    names: list[str] = Field(default_factory=list)
    scenarios: list[str] = Field(default_factory=list)
    families: list[str] = Field(default_factory=list)
    runs: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    seeds: list[int] = Field(default_factory=list)
    episodes: list[str] = Field(default_factory=list)

    @property
    def tasks(self) -> list[str]:
        """The task families it came from, or the program files when it has none."""
        return self.families or self.scenarios or [Path(f).name for f in self.files]


class Skill(BaseModel):
    """One function of a library.

    Attributes:
        name: The function's name (the ``def`` in ``source`` must carry it).
        signature: ``name(params)`` as the prompt shows it.
        doc: Its docstring (its own, or one generated from its signature and primitives).
        source: The ``def`` statement, docstring included; run before the model's program.
        primitives: The primitives it calls.
        uses: The other skills of the library it calls.
        provenance: Where it was found.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_IDENTIFIER, max_length=80)
    signature: str = Field(min_length=1, max_length=400)
    doc: str = Field(max_length=4000)
    source: str = Field(min_length=1, max_length=20_000)
    primitives: list[str] = Field(default_factory=list)
    uses: list[str] = Field(default_factory=list)
    provenance: Provenance

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        lines = self.doc.strip().splitlines()
        return lines[0].strip() if lines else ""


class SkillLibrary(BaseModel):
    """A skill library file (``codepolicy skills mine ... --out LIB.json``).

    Attributes:
        schema_version: :data:`LIBRARY_SCHEMA`.
        profile: The primitive profile the functions were vetted against.
        min_count: Fewest programs a function had to appear in to be kept.
        inputs: The run directories and program files it was mined from.
        created_at: When it was written (ISO-8601, UTC).
        skills: The functions, most frequent first.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = LIBRARY_SCHEMA
    profile: str = "default"
    min_count: int = Field(1, ge=1)
    inputs: list[str] = Field(default_factory=list)
    created_at: str = ""
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS)

    def names(self) -> list[str]:
        """The skills' names, in library order."""
        return [s.name for s in self.skills]


def _validation_line(path: Path, exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{path}: {where}: {error['msg']}{more}"


def read_library(path: str | os.PathLike[str]) -> SkillLibrary:
    """Read and validate a library file (no vetting: see :func:`codepolicy.skills.use.load_skills`).

    Raises:
        LibraryError: missing or unreadable file, not JSON, or a field that does not validate;
            one line naming the file and the field.
    """
    file = Path(path)
    try:
        if file.stat().st_size > MAX_LIBRARY_BYTES:
            raise LibraryError(
                f"{file}: larger than {MAX_LIBRARY_BYTES} bytes; not a skill library"
            )
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LibraryError(f"skill library file not found: {file}") from None
    except IsADirectoryError:
        raise LibraryError(f"skill library path is a directory, not a file: {file}") from None
    except UnicodeDecodeError as exc:
        raise LibraryError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise LibraryError(f"cannot read skill library {file}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LibraryError(f"{file}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise LibraryError(f"{file}: (top level): expected a JSON object")
    version = data.get("schema_version")
    if version != LIBRARY_SCHEMA:
        raise LibraryError(
            f"{file}: schema_version: expected {LIBRARY_SCHEMA}, got {version!r} "
            "(mine the library again with this codepolicy)"
        )
    try:
        library = SkillLibrary.model_validate(data)
    except ValidationError as exc:
        raise LibraryError(_validation_line(file, exc)) from None
    seen: set[str] = set()
    for index, skill in enumerate(library.skills):
        if skill.name in seen:
            raise LibraryError(f"{file}: skills.{index}.name: '{skill.name}' appears twice")
        seen.add(skill.name)
    return library


def write_library(library: SkillLibrary, path: str | os.PathLike[str]) -> Path:
    """Write ``library`` as indented JSON (atomically: a temporary file renamed); returns the path."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}.tmp")
    temporary.write_text(library.model_dump_json(indent=2) + "\n", encoding="utf-8")
    temporary.replace(file)
    return file
