"""Hierarchical code generation (Code as Policies): write the helper functions a program calls.

When a program calls a function that is neither a primitive, a builtin nor defined in the program,
the model is asked to write it; its definition is vetted with the rest of the program and may itself
call new helpers, which are written the same way, down to a depth limit. Definitions are placed before
the program, so the program that runs (and whose line numbers the feedback cites) is the combined one.

Example:
    >>> from codepolicy.primitives.default import DEFAULT
    >>> undefined_functions("stack_all(get_object_names())", DEFAULT)
    ['stack_all']
    >>> looks_like_typo("grab", DEFAULT), looks_like_typo("stack_all", DEFAULT)
    (True, False)
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Collection
from dataclasses import dataclass, field

from codepolicy.planning.writer import Draft, ProgramWriter
from codepolicy.primitives.registry import Registry
from codepolicy.sandbox.vetting import UndefinedFunction, vet_program

TYPO_SIMILARITY = 0.9
TYPO_SIMILARITY_ONE_WORD = 0.6
MAX_DEPTH = 3
"""Default depth of helper-function generation (a helper's helper's helper)."""


@dataclass
class Expansion:
    """A program with the helper functions it needed prepended.

    Attributes:
        program: The combined program (helpers first).
        drafts: The model requests made for helpers.
        written: Names of the helpers that were written.
        missing: Names still undefined (the model gave no usable definition, or depth ran out).
    """

    program: str
    drafts: list[Draft] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def looks_like_typo(name: str, registry: Registry) -> bool:
    """Whether ``name`` reads as a misspelt primitive rather than a helper to write.

    ``grab`` (for ``grasp``) is a typo: the program is rejected with "did you mean" and the model
    fixes it. Descriptive names such as ``stack_blocks_on`` are helpers, written on demand.
    """
    best = max(
        (difflib.SequenceMatcher(None, name, p).ratio() for p in registry.names()), default=0.0
    )
    return best >= TYPO_SIMILARITY or ("_" not in name and best >= TYPO_SIMILARITY_ONE_WORD)


def _missing(
    program: str, registry: Registry, defined: Collection[str] = ()
) -> list[UndefinedFunction]:
    try:
        report = vet_program(program, registry, allow_undefined=True, defined=defined)
    except SyntaxError:
        return []
    return report.undefined_functions


def undefined_functions(
    program: str, registry: Registry, defined: Collection[str] = ()
) -> list[str]:
    """Names of the functions ``program`` calls but nobody defines (``defined``: names that exist
    before it runs, e.g. functions an earlier program of the session defined)."""
    return [u.name for u in _missing(program, registry, defined)]


def function_definitions(source: str, wanted: str) -> str | None:
    """The top-level ``def`` statements of ``source``, if one of them defines ``wanted``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if not any(d.name == wanted for d in defs):
        return None
    segments = [ast.get_source_segment(source, d) for d in defs]
    return "\n\n".join(s for s in segments if s)


def expand_helpers(
    program: str,
    writer: ProgramWriter,
    instruction: str,
    scene_lines: list[str],
    max_depth: int = MAX_DEPTH,
    defined: Collection[str] = (),
) -> Expansion:
    """Write every helper function ``program`` calls but does not define, recursively
    (``defined``: names that already exist when it runs)."""
    expansion = Expansion(program=program)
    definitions: list[str] = []
    attempted: set[str] = set()
    for _ in range(max_depth):
        pending = [
            u
            for u in _missing(expansion.program, writer.registry, defined)
            if u.name not in attempted and not looks_like_typo(u.name, writer.registry)
        ]
        if not pending:
            break
        for missing in pending:
            attempted.add(missing.name)
            draft = writer.function(instruction, scene_lines, missing, expansion.program)
            expansion.drafts.append(draft)
            found = function_definitions(draft.program or "", missing.name)
            if found is None:
                continue
            definitions.append(found)
            expansion.written.append(missing.name)
        expansion.program = "\n\n".join([*definitions, program]) + "\n"
    expansion.missing = undefined_functions(expansion.program, writer.registry, defined)
    return expansion
