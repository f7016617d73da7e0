"""Whether one function may be a skill: the project's vetter accepts it alone, it calls at least
one primitive, and it re-defines no primitive, builtin or preloaded module.

A skill runs before the model's program in the sandbox, so it must stand on its own: it may use
the primitives, the safe builtins, ``np`` and ``math``, and itself (recursion), nothing the
program around it defined. The same check runs when a library is mined and when it is loaded.

Example:
    >>> from codepolicy.primitives.profiles import get_profile
    >>> check_function("def grasp(name):\\n    pick_and_place(name, 'middle')", get_profile("default"))
    Traceback (most recent call last):
    ...
    codepolicy.skills.vetting.Refused: re-defines the primitive 'grasp'
    >>> check_function("def put(a, b):\\n    pick_and_place(a, b)", get_profile("default")).primitives
    ['pick_and_place']
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import policy
from codepolicy.sandbox.vetting import vet_program


class Refused(ValueError):
    """A function cannot be a skill; the message says why in a few words."""


@dataclass
class CheckedFunction:
    """A function that may be a skill.

    Attributes:
        node: Its parsed ``def``.
        primitives: The primitives it calls, sorted.
        calls: Every name it calls (to follow skills that call other skills).
    """

    node: ast.FunctionDef
    primitives: list[str]
    calls: list[str]


def _first_problem(report: object) -> str:
    problems = getattr(report, "problems", [])
    if not problems:
        return "refused by the vetter"
    problem = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"refused by the vetter: line {problem.line}: {problem.message}{more}"


def called_names(node: ast.AST) -> list[str]:
    """Names called as ``name(...)`` anywhere in ``node``, in order of first appearance."""
    names: list[str] = []
    for child in ast.walk(node):
        if not (isinstance(child, ast.Call) and isinstance(child.func, ast.Name)):
            continue
        if child.func.id not in names:
            names.append(child.func.id)
    return names


def check_function(source: str, registry: Registry) -> CheckedFunction:
    """Check that ``source`` is one ``def`` that may be a skill for ``registry``.

    Raises:
        Refused: not one plain function, a name that re-defines a primitive or a builtin, refused
            by the vetter, or no primitive called.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise Refused(f"does not parse: {exc}") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise Refused("is not exactly one function definition")
    node = tree.body[0]
    if node.name in registry:
        raise Refused(f"re-defines the primitive '{node.name}'")
    if (
        node.name in policy.SAFE_BUILTIN_NAMES
        or node.name in policy.PRELOADED_NAMES
        or node.name in policy.ALLOWED_MODULES
        or hasattr(builtins, node.name)
    ):
        raise Refused(f"re-defines the builtin name '{node.name}'")
    if node.decorator_list:
        raise Refused("has a decorator")
    report = vet_program(source, registry)
    if not report.ok:
        raise Refused(_first_problem(report))
    if not report.primitives_used:
        raise Refused("calls no primitive")
    return CheckedFunction(node, sorted(report.primitives_used), called_names(node))
