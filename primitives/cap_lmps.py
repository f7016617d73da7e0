"""Code as Policies' helper LMPs as primitives: small programs the model writes while a program runs.

A CaP program may call ``parse_obj_name("the blocks", f"objects = {get_obj_names()}")``. The host
asks the configured model with the helper's own prompt; the answer is Python code that assigns
``ret_val`` (``new_shape_pts`` for ``transform_shape_pts``), which is vetted like any program and run
in the sandbox with the profile's API and ``np``; its value is returned to the calling program.

The primitives only know the :class:`HelperLMPs` protocol; the model-backed implementation lives in
:mod:`codepolicy.planning.lmp`, which the episode pipeline puts on the context when a model is
configured. Without one, each helper fails with :class:`ModelRequired`, which a program can catch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import ModelRequired
from codepolicy.primitives.registry import Registry

LMPS = Registry()
"""The helper-LMP primitives of the cap profile."""

HELPER_NAMES = ("parse_obj_name", "parse_position", "parse_question", "transform_shape_pts")
"""Names of CaP's helper LMPs, in the order CaP's prompt imports them."""


@dataclass(frozen=True)
class HelperAnswer:
    """What a helper LMP produced.

    Attributes:
        value: The value its code assigned to the result variable.
        code: The code that ran (the model's answer with any generated functions before it).
        functions: Names of the functions written for it on demand.
    """

    value: Any
    code: str
    functions: tuple[str, ...] = ()


class HelperLMPs(Protocol):
    """What runs a helper LMP: ask the model, vet and run its code, return the result value."""

    def ask(self, name: str, query: str, context: str, variables: dict[str, Any]) -> HelperAnswer:
        """Run helper ``name`` on ``query``.

        Args:
            name: One of :data:`HELPER_NAMES`.
            query: The program's question, e.g. ``"the blocks"``.
            context: Context text the program passes (CaP passes ``objects = [...]``).
            variables: Values the helper's code may read by name (``shape_pts``).

        Returns:
            The value the helper's code assigned to its result variable, and that code.
        """
        ...


def _ask(ctx: PrimitiveContext, name: str, query: str, context: str, **variables: Any) -> Any:
    lmps: HelperLMPs | None = getattr(ctx, "lmps", None)
    if lmps is None:
        raise ModelRequired(
            f"{name} needs a model: pass --model NAME (and --base-url URL) so it can be asked"
        )
    answer = lmps.ask(name, query, context, variables)
    ctx.notes.update(helper=name, code=answer.code, functions=list(answer.functions))
    return answer.value


@LMPS.primitive
def parse_obj_name(ctx: PrimitiveContext, query: str, context: str = "") -> Any:
    """Ask the model which object(s) a description means, e.g. parse_obj_name("the left most
    block", f"objects = {get_obj_names()}"). Returns a name, a list of names, or None."""
    return _ask(ctx, "parse_obj_name", query, context)


@LMPS.primitive
def parse_position(ctx: PrimitiveContext, query: str, context: str = "") -> Any:
    """Ask the model for a position or points, e.g. parse_position("a 30cm vertical line on the
    right with 3 points"). Returns an [x, y] array or a list of them, in metres."""
    return _ask(ctx, "parse_position", query, context)


@LMPS.primitive
def parse_question(ctx: PrimitiveContext, query: str, context: str = "") -> Any:
    """Ask the model to answer a question about the scene, e.g. parse_question("how many blocks
    are left of the green bowl", f"objects = {get_obj_names()}"). Returns a bool, number or list."""
    return _ask(ctx, "parse_question", query, context)


@LMPS.primitive
def transform_shape_pts(
    ctx: PrimitiveContext, query: str, shape_pts: Any, context: str = ""
) -> Any:
    """Ask the model to transform points, e.g. transform_shape_pts("scale it by 0.5x",
    shape_pts=pts). Returns the new points as an array of [x, y]."""
    return _ask(ctx, "transform_shape_pts", query, context, shape_pts=shape_pts)
