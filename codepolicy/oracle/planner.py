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

from collections.abc import Iterable
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


def oracle_problem(name: str, variables: Iterable[str], scenario: str) -> str | None:
    """Why scenario ``scenario`` has no runnable reference program, or None when it has one.

    Args:
        name: The reference program's name (the scenario's ``oracle``, else its family).
        variables: Names of the variables the scenario defines.
        scenario: The scenario's name, for the message.

    Example:
        >>> oracle_problem("pick-place", ["block", "target"], "pick-place-seen") is None
        True
        >>> print(oracle_problem("my-task", [], "my-task-seen"))
        scenario 'my-task-seen' has no reference program: there is no oracle program named 'my-task'
    """
    try:
        source = oracle_source(name)
    except OracleError:
        return (
            f"scenario '{scenario}' has no reference program: there is no oracle program "
            f"named '{name}'"
        )
    try:
        needed = uses(source)
    except OracleError as exc:
        return f"scenario '{scenario}': reference program '{name}' is unusable: {exc}"
    missing = [v for v in needed if v not in set(variables)]
    if missing:
        return (
            f"scenario '{scenario}' cannot use reference program '{name}': it needs the "
            f"variable(s) {', '.join(missing)}, which the scenario does not define"
        )
    return None


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
