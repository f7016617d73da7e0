"""Mining a skill library: the top-level functions of successful programs, vetted, deduplicated,
named, documented and traced to the tasks they came from.

Every top-level ``def`` of every program is checked (:func:`~codepolicy.skills.vetting.
check_function`): alone, except that it may call the program's other functions that are kept
too (:func:`~codepolicy.skills.vetting.resolve`). Functions with one canonical form
(:func:`~codepolicy.skills.normalize.canonical_form`, the functions they call included) are one
skill, found ``count`` times. A skill is called by its most frequent name; when two different
skills want one name, the more frequent keeps it and the other gets ``_2``, ``_3``, ... (the
skills calling it follow). Its docstring is its own, or one generated from its signature and
the primitives it calls.

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
import hashlib
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
from codepolicy.skills.vetting import CheckedFunction, Refused, check_function, resolve


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
class _Copy:
    """One place a skill was found: the function, its program, and the skills (by canonical
    key) its calls of other functions stand for."""

    function: CheckedFunction
    source: ProgramSource
    uses: dict[str, str]


@dataclass
class _Group:
    """One canonical function and every place it was found."""

    canonical: str
    found: list[_Copy] = field(default_factory=list)

    def add(self, copy: _Copy) -> None:
        if not any(other.source is copy.source for other in self.found):
            self.found.append(copy)

    @property
    def count(self) -> int:
        return len(self.found)

    @property
    def primitives(self) -> list[str]:
        return self.found[0].function.primitives

    @property
    def uses(self) -> set[str]:
        """Canonical keys of the skills it calls (the same for every copy)."""
        return set(self.found[0].uses.values())

    def names(self) -> list[str]:
        """Names it was written under, most frequent first (ties: alphabetical)."""
        tally: dict[str, int] = {}
        for copy in self.found:
            name = copy.function.node.name
            tally[name] = tally.get(name, 0) + 1
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


def _token(key: str) -> str:
    """A name standing for the skill with canonical form ``key`` inside other canonical forms."""
    return "s_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _program_copies(
    source: ProgramSource, registry: Registry, refuse: dict[tuple[str, str], RefusedFunction]
) -> dict[str, tuple[str, _Copy]]:
    """The kept functions of one program: name -> (canonical key, copy)."""
    texts = _functions(source)
    names = {name for name, _ in texts}
    checked: dict[str, CheckedFunction] = {}
    for name, text in texts:
        try:
            checked[name] = check_function(text, registry, defined=names)
        except Refused as exc:
            refuse.setdefault((name, str(exc)), RefusedFunction(name, source.origin, str(exc)))
            checked.pop(name, None)  # a later def of the same name replaces an earlier one
    for name, reason in resolve(checked).items():
        refuse.setdefault((name, reason), RefusedFunction(name, source.origin, reason))
        checked.pop(name)
    keys: dict[str, str] = {}

    def key(name: str) -> str:  # bottom up; resolve() left no cycle
        if name not in keys:
            function = checked[name]
            keys[name] = canonical_form(function.node, {u: _token(key(u)) for u in function.uses})
        return keys[name]

    return {
        name: (key(name), _Copy(function, source, {u: key(u) for u in function.uses}))
        for name, function in checked.items()
    }


def _provenance(group: _Group) -> Provenance:
    def unique(values: list[str | None]) -> list[str]:
        return sorted({v for v in values if v is not None})

    sources = [c.source for c in group.found]
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


def _skill(group: _Group, name: str, assigned: dict[str, str]) -> Skill:
    # The copy shown: one with a docstring of its own (which names its own parameters), under
    # the most frequent name if there is one; else the first copy under that name.
    preferred = group.names()[0]
    copies = sorted(
        group.found,
        key=lambda c: (not ast.get_docstring(c.function.node), c.function.node.name != preferred),
    )
    chosen = copies[0]
    calls = {local: assigned[key] for local, key in chosen.uses.items()}
    node = renamed(chosen.function.node, name, calls)
    uses = list(dict.fromkeys(calls[u] for u in chosen.function.uses))
    own = ast.get_docstring(node)
    doc = own.strip() if own else generated_doc(node, [*chosen.function.primitives, *uses])
    node = with_docstring(node, doc)
    return Skill(
        name=name,
        signature=signature_text(node),
        doc=doc,
        source=ast.unparse(node),
        primitives=chosen.function.primitives,
        uses=uses,
        provenance=_provenance(group),
    )


def _free_name(name: str, taken: set[str], registry: Registry) -> str:
    if name not in taken:
        return name
    index = 2
    while f"{name}_{index}" in taken or f"{name}_{index}" in registry:
        index += 1
    return f"{name}_{index}"


def _reaches(group: _Group, by_key: dict[str, _Group]) -> bool:
    """Whether a skill calls a primitive, directly or through its helpers (canonical keys hold
    their helpers' keys, so there is no cycle)."""
    return bool(group.primitives) or any(
        _reaches(by_key[k], by_key) for k in group.uses if k in by_key
    )


def _complete(groups: list[_Group]) -> list[_Group]:
    """``groups`` without those whose helpers are not among them, and pure helpers no kept skill
    calls (as :func:`~codepolicy.skills.vetting.resolve`, across programs)."""
    while True:
        keys = {g.canonical for g in groups}
        used = set().union(*(g.uses for g in groups)) if groups else set()
        by_key = {g.canonical: g for g in groups}
        kept = [
            g for g in groups if g.uses <= keys and (_reaches(g, by_key) or g.canonical in used)
        ]
        if len(kept) == len(groups):
            return kept
        groups = kept


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
        for key, copy in _program_copies(source, registry, refused).values():
            groups.setdefault(key, _Group(key)).add(copy)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.names()[0], g.canonical))
    kept = [g for g in ordered if g.count >= min_count][:MAX_SKILLS]
    kept = _complete(kept)
    rare = [g.names()[0] for g in ordered if g.count < min_count]
    taken: set[str] = set()
    assigned: dict[str, str] = {}
    for group in kept:
        assigned[group.canonical] = _free_name(group.names()[0], taken, registry)
        taken.add(assigned[group.canonical])
    skills = [_skill(group, assigned[group.canonical], assigned) for group in kept]
    library = SkillLibrary(
        profile=profile,
        min_count=min_count,
        inputs=list(inputs),
        created_at=created_at,
        skills=skills,
    )
    return MineResult(library, list(refused.values()), rare, len(sources))
