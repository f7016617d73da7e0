"""Reference programs ("oracle" planner), one per task family, written against the default API.

Programs are package data in ``programs/<family>.py``. Each starts with a ``# uses: a, b`` line naming
the instruction-level variables it needs (what a person reading the instruction would know: the bowl,
the location, "closest"); the planner prepends their bound values as assignments. Anything the
instruction only implies — which block is closest, which corner is farthest — the program computes
from perception, exactly as a model-written program must. They run through the same sandbox as model
code, so they prove the scenarios, the primitives and the executor together.

Example:
    >>> print(oracle_source("pick-place").splitlines()[0])
    # uses: block, target
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from codepolicy.scenario.sampler import Episode

PROGRAMS = "programs"


class OracleError(LookupError):
    """No reference program for a family, or an episode lacks a variable the program uses."""


def oracle_source(name: str) -> str:
    """The unbound source of the reference program called ``name``."""
    path = resources.files("codepolicy.oracle").joinpath(PROGRAMS).joinpath(f"{name}.py")
    if not path.is_file():
        known = sorted(
            p.name.removesuffix(".py")
            for p in resources.files("codepolicy.oracle").joinpath(PROGRAMS).iterdir()
            if p.name.endswith(".py")
        )
        raise OracleError(f"no reference program '{name}'; known: {', '.join(known)}")
    return path.read_text(encoding="utf-8")


def uses(source: str) -> list[str]:
    """The variable names a program's ``# uses:`` header declares."""
    first = source.splitlines()[0] if source else ""
    if not first.startswith("# uses:"):
        raise OracleError("a reference program must start with a '# uses: ...' line")
    return [name.strip() for name in first.removeprefix("# uses:").split(",") if name.strip()]


def _literal(value: Any) -> str:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    raise OracleError(f"cannot write {value!r} as a program literal")


def oracle_program(episode: Episode) -> str:
    """The reference program for ``episode``, with its variables bound as assignments."""
    source = oracle_source(episode.oracle)
    lines = [f"# {episode.instruction}"]
    for name in uses(source):
        if name not in episode.variables:
            raise OracleError(
                f"reference program '{episode.oracle}' uses variable '{name}', which scenario "
                f"'{episode.scenario}' does not define"
            )
        lines.append(f"{name} = {_literal(episode.variables[name])}")
    return "\n".join(lines) + "\n" + source
