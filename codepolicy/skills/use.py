"""A skill library in a run: vetted again on load, its source run as a prelude, its functions
listed in the prompt, and which of them a program called.

The library file is untrusted input. :func:`load_skills` validates it, checks every function again
against the run's profile (:func:`~codepolicy.skills.vetting.check_function`) and refuses the
library, with one line naming the file and the function, if any fails (a skill may call the
library's other skills; a pure helper is kept only if a skill calls it). The functions run in the
sandbox before the model's program under the prelude's own file name, so the program's line
numbers in the feedback stay its own.

Example:
    >>> from codepolicy.primitives.profiles import get_profile
    >>> from codepolicy.skills.library import Provenance, Skill, SkillLibrary
    >>> put = Skill(name="put", signature="put(a, b)", doc="Put a on b.",
    ...             source="def put(a, b):\\n    '''Put a on b.'''\\n    pick_and_place(a, b)",
    ...             provenance=Provenance(count=1))
    >>> skills = SkillSet.of(SkillLibrary(skills=[put]), get_profile("default"))
    >>> skills.entries(), skills.called("put('red block', 'blue bowl')")
    ([('put(a, b)', 'Put a on b.')], ['put'])
"""

from __future__ import annotations

import ast
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from codepolicy.primitives.registry import Registry
from codepolicy.skills.library import LibraryError, SkillLibrary, read_library
from codepolicy.skills.normalize import signature_text
from codepolicy.skills.vetting import (
    CheckedFunction,
    Refused,
    called_names,
    check_function,
    resolve,
)

MAX_SUMMARY_CHARS = 160
"""Longest docstring line a prompt shows for one skill."""


@dataclass(frozen=True)
class RunSkill:
    """One vetted skill as a run uses it (everything derived from its source)."""

    name: str
    signature: str
    summary: str
    source: str
    calls: tuple[str, ...]


@dataclass(frozen=True)
class SkillSet:
    """The vetted functions of a library, ready for a run.

    Attributes:
        skills: The functions, in library order.
        path: The library file ("" for a library built in memory).
        sha256: The file's sha256 ("" for a library built in memory).
    """

    skills: tuple[RunSkill, ...] = ()
    path: str = ""
    sha256: str = ""
    _index: dict[str, RunSkill] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        library: SkillLibrary,
        registry: Registry,
        path: str = "",
        sha256: str = "",
        profile: str | None = None,
    ) -> SkillSet:
        """Vet every function of ``library`` for ``registry`` (the profile ``profile``: named in
        the error when the library was mined for another).

        Raises:
            LibraryError: a function is refused, or its ``def`` does not carry its name.
        """
        where = path or "skill library"
        names = library.names()
        skills = []
        vetted: dict[str, CheckedFunction] = {}
        for index, skill in enumerate(library.skills):
            try:
                checked = check_function(skill.source, registry, defined=names)
            except Refused as exc:
                hint = ""
                if profile is not None and profile != library.profile:
                    hint = (
                        f" (the library was mined for profile '{library.profile}', not '{profile}')"
                    )
                raise LibraryError(
                    f"{where}: skills.{index}.source: function '{skill.name}' {exc}{hint}"
                ) from None
            if checked.node.name != skill.name:
                raise LibraryError(
                    f"{where}: skills.{index}.source: defines '{checked.node.name}', "
                    f"not '{skill.name}'"
                )
            vetted[skill.name] = checked
            doc = (ast.get_docstring(checked.node) or "").strip().splitlines()
            summary = " ".join(doc[0].split())[:MAX_SUMMARY_CHARS] if doc else ""
            skills.append(
                RunSkill(
                    skill.name,
                    signature_text(checked.node),
                    summary,
                    skill.source.strip(),
                    tuple(checked.calls),
                )
            )
        for name, reason in resolve(vetted).items():
            index = names.index(name)
            raise LibraryError(f"{where}: skills.{index}.source: function '{name}' {reason}")
        index_ = {s.name: s for s in skills}
        return cls(tuple(skills), path, sha256, index_)

    @property
    def names(self) -> list[str]:
        """The skills' names."""
        return [s.name for s in self.skills]

    @property
    def prelude(self) -> str:
        """The source run before each program: every function, in library order."""
        return "\n\n".join(s.source for s in self.skills)

    def entries(self) -> list[tuple[str, str]]:
        """(signature, first docstring line) of each skill, for the prompt."""
        return [(s.signature, s.summary) for s in self.skills]

    def called(self, program: str) -> list[str]:
        """The skills ``program`` calls (directly, or through another skill), sorted; a skill the
        program defines itself is its own function, not the library's."""
        try:
            tree = ast.parse(program)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
        own = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        pending = [n for n in called_names(tree) if n in self._index and n not in own]
        used: set[str] = set()
        while pending:
            name = pending.pop()
            if name in used:
                continue
            used.add(name)
            pending += [n for n in self._index[name].calls if n in self._index]
        return sorted(used)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_skills(
    path: str | os.PathLike[str], registry: Registry, profile: str | None = None
) -> SkillSet:
    """Read, validate and vet a library file for a run with ``registry`` (profile ``profile``).

    Raises:
        LibraryError: the file is missing or invalid, or a function is refused (one line naming
            the file and the field).
    """
    library = read_library(path)
    return SkillSet.of(library, registry, str(path), file_sha256(path), profile)
