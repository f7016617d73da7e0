"""Mining a skill library: the top-level functions of successful programs, vetted, deduplicated,
named, documented and traced to the tasks they came from.

Every top-level ``def`` of every program is checked alone (:func:`~codepolicy.skills.vetting.
check_function`); functions with one canonical form (:func:`~codepolicy.skills.normalize.
canonical_form`) are one skill, found ``count`` times. A skill is called by its most frequent
name; when two different skills want one name, the more frequent keeps it and the other gets
``_2``, ``_3``, ... Its docstring is its own, or one generated from its signature and the
primitives it calls.

Example:
    >>> from codepolicy.primitives.profiles import get_profile
    >>> programs = [ProgramSource("def put(a, b):\\n    pick_and_place(a, b)\\nput('x', 'y')", "p1.py"),
    ...             ProgramSource("def put(s, t):\\n    pick_and_place(s, t)", "p2.py"),
    ...             ProgramSource("def grasp(n):\\n    say(n)", "p3.py")]
    >>> mined = mine_skills(programs, get_profile("default"))
    >>> [(s.name, s.provenance.count) for s in mined.library.skills]
    [('put', 2)]
    >>> [(r.name, r.reason) for r in mined.refused]
    [('grasp', "re-defines the primitive 'grasp'")]
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from codepolicy.primitives.registry import Registry
from codepolicy.skills.library import MAX_SKILLS, Provenance, Skill, SkillLibrary
from codepolicy.skills.normalize import (
    canonical_form,
    generated_doc,
    renamed,
    signature_text,
    with_docstring,
)
from codepolicy.skills.sources import ProgramSource
from codepolicy.skills.vetting import CheckedFunction, Refused, check_function


@dataclass
class RefusedFunction:
    """A function that was not kept, and why (first place it was found)."""

    name: str
    origin: str
    reason: str


@dataclass
class MineResult:
    """A mined library and what was left out.

    Attributes:
        library: The library.
        refused: Functions the checks refused (one entry per name and reason).
        rare: Names of skills dropped for appearing fewer than ``min_count`` times.
        programs: Programs read.
    """

    library: SkillLibrary
    refused: list[RefusedFunction] = field(default_factory=list)
    rare: list[str] = field(default_factory=list)
    programs: int = 0


@dataclass
class _Group:
    """One canonical function and every place it was found."""

    canonical: str
    found: list[tuple[CheckedFunction, ProgramSource]] = field(default_factory=list)

    def add(self, function: CheckedFunction, source: ProgramSource) -> None:
        if not any(other is source for _, other in self.found):
            self.found.append((function, source))

    @property
    def count(self) -> int:
        return len(self.found)

    def names(self) -> list[str]:
        """Names it was written under, most frequent first (ties: alphabetical)."""
        tally: dict[str, int] = {}
        for function, _ in self.found:
            tally[function.node.name] = tally.get(function.node.name, 0) + 1
        return sorted(tally, key=lambda n: (-tally[n], n))


def _functions(source: ProgramSource) -> list[tuple[str, str]]:
    """(name, source) of each top-level function of a program (none if it does not parse)."""
    try:
        tree = ast.parse(source.program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            segment = ast.get_source_segment(source.program, node)
            if segment:
                found.append((node.name, segment))
    return found


def _provenance(group: _Group) -> Provenance:
    def unique(values: list[str | None]) -> list[str]:
        return sorted({v for v in values if v is not None})

    sources = [s for _, s in group.found]
    return Provenance(
        count=group.count,
        names=group.names(),
        scenarios=unique([s.scenario for s in sources]),
        families=unique([s.family for s in sources]),
        runs=unique([s.origin for s in sources if s.kind == "run"]),
        files=unique([s.origin for s in sources if s.kind == "file"]),
        seeds=sorted({s.seed for s in sources if s.seed is not None}),
        episodes=unique([s.episode for s in sources]),
    )


def _skill(group: _Group, name: str) -> Skill:
    # The copy shown: one with a docstring of its own (which names its own parameters), under
    # the most frequent name if there is one; else the first copy under that name.
    preferred = group.names()[0]
    copies = sorted(
        (f for f, _ in group.found),
        key=lambda f: (not ast.get_docstring(f.node), f.node.name != preferred),
    )
    function = copies[0]
    own = ast.get_docstring(function.node)
    doc = own.strip() if own else generated_doc(renamed(function.node, name), function.primitives)
    node = with_docstring(renamed(function.node, name), doc)
    return Skill(
        name=name,
        signature=signature_text(node),
        doc=doc,
        source=ast.unparse(node),
        primitives=function.primitives,
        provenance=_provenance(group),
    )


def _free_name(name: str, taken: set[str], registry: Registry) -> str:
    if name not in taken:
        return name
    index = 2
    while f"{name}_{index}" in taken or f"{name}_{index}" in registry:
        index += 1
    return f"{name}_{index}"


def mine_skills(
    sources: Sequence[ProgramSource],
    registry: Registry,
    *,
    profile: str = "default",
    min_count: int = 1,
    inputs: Sequence[str] = (),
    created_at: str = "",
) -> MineResult:
    """Mine the functions of ``sources`` into a library for ``registry`` (profile ``profile``).

    Args:
        min_count: Keep only functions found in at least this many programs.
        inputs: The run directories and files named by the user (recorded in the library).
        created_at: Timestamp recorded in the library.
    """
    groups: dict[str, _Group] = {}
    refused: dict[tuple[str, str], RefusedFunction] = {}
    for source in sources:
        for name, text in _functions(source):
            try:
                checked = check_function(text, registry)
            except Refused as exc:
                refused.setdefault((name, str(exc)), RefusedFunction(name, source.origin, str(exc)))
                continue
            key = canonical_form(checked.node)
            groups.setdefault(key, _Group(key)).add(checked, source)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.names()[0], g.canonical))
    kept = [g for g in ordered if g.count >= min_count][:MAX_SKILLS]
    rare = [g.names()[0] for g in ordered if g.count < min_count]
    taken: set[str] = set()
    skills = []
    for group in kept:
        name = _free_name(group.names()[0], taken, registry)
        taken.add(name)
        skills.append(_skill(group, name))
    library = SkillLibrary(
        profile=profile,
        min_count=min_count,
        inputs=list(inputs),
        created_at=created_at,
        skills=skills,
    )
    return MineResult(library, list(refused.values()), rare, len(sources))
