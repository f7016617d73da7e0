"""Source forms of one function: its canonical text (to find structural copies), a renamed copy,
its signature, and a docstring when it has none.

Two programs often define the same helper with other variable names. :func:`canonical_form`
renames the function, its parameters and its local names to ``f``, ``v0``, ``v1``, ... in order of
first appearance and drops the docstring, so such copies have one text.

Example:
    >>> import ast
    >>> a = ast.parse("def put(block, bowl):\\n    '''Put it.'''\\n    pick_and_place(block, bowl)")
    >>> b = ast.parse("def move(x, y):\\n    pick_and_place(x, y)")
    >>> canonical_form(a.body[0]) == canonical_form(b.body[0])
    True
    >>> print(canonical_form(b.body[0]))
    def f(v0, v1):
        pick_and_place(v0, v1)
    >>> signature_text(a.body[0]), generated_doc(a.body[0], ["pick_and_place"])
    ('put(block, bowl)', 'Put (takes block, bowl; calls pick_and_place).')
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping, Sequence

MAX_NAMED_CALLS = 5
"""Most functions a generated docstring names."""


def _bound_names(function: ast.FunctionDef) -> list[str]:
    """Names the function binds itself (parameters first, then locals), in order of appearance."""
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names:
            names.append(name)

    every = [*function.args.posonlyargs, *function.args.args]
    if function.args.vararg:
        every.append(function.args.vararg)
    every += function.args.kwonlyargs
    if function.args.kwarg:
        every.append(function.args.kwarg)
    for arg in every:
        add(arg.arg)
    for statement in function.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                add(node.id)
            elif isinstance(node, ast.arg):
                add(node.arg)
            elif (
                isinstance(node, ast.ExceptHandler | ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name
            ):
                add(node.name)
    return names


class _Rename(ast.NodeTransformer):
    """Renames names, parameters and the function's own name (in recursive calls too)."""

    def __init__(self, mapping: dict[str, str], own: str, new_own: str) -> None:
        self.mapping = mapping
        self.own = own
        self.new_own = new_own

    def _new(self, name: str) -> str:
        if name in self.mapping:
            return self.mapping[name]
        return self.new_own if name == self.own else name

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.mapping.get(node.arg, node.arg)
        self.generic_visit(node)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        if node.name:
            node.name = self.mapping.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self._new(node.name) if node.name != self.own else self.new_own
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        recursive = isinstance(node.func, ast.Name) and node.func.id == self.own
        self.generic_visit(node)
        if recursive:  # keyword arguments of a recursive call name the (renamed) parameters
            for keyword in node.keywords:
                if keyword.arg is not None:
                    keyword.arg = self.mapping.get(keyword.arg, keyword.arg)
        return node


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return body[1:] or [ast.Pass()]
    return body


def canonical_form(function: ast.FunctionDef, calls: Mapping[str, str] | None = None) -> str:
    """The function's text with its name, parameters and locals renamed canonically and no
    docstring: structurally identical functions have the same canonical form.

    Args:
        calls: Other functions it calls -> a name standing for them (their own canonical
            identity), so copies calling renamed copies of one helper match too.
    """
    tree = copy.deepcopy(function)
    tree.body = _without_docstring(tree.body)
    bound = _bound_names(tree)
    mapping = {k: v for k, v in (calls or {}).items() if k not in bound}
    mapping |= {name: f"v{i}" for i, name in enumerate(bound) if name != function.name}
    renamed = _Rename(mapping, function.name, "f").visit(tree)
    return ast.unparse(ast.fix_missing_locations(renamed))


def renamed(
    function: ast.FunctionDef, name: str, calls: Mapping[str, str] | None = None
) -> ast.FunctionDef:
    """A copy of the function called ``name`` (its recursive calls follow), its calls of other
    functions renamed by ``calls``."""
    tree = copy.deepcopy(function)
    mapping = {k: v for k, v in (calls or {}).items() if k not in _bound_names(function)}
    return ast.fix_missing_locations(_Rename(mapping, function.name, name).visit(tree))


def with_docstring(function: ast.FunctionDef, doc: str) -> ast.FunctionDef:
    """A copy of the function whose docstring is ``doc`` (replacing its own, if any)."""
    tree = copy.deepcopy(function)
    tree.body = [ast.Expr(ast.Constant(doc)), *_without_docstring(tree.body)]
    return ast.fix_missing_locations(tree)


def signature_text(function: ast.FunctionDef) -> str:
    """``name(params)``, annotations dropped, defaults kept."""
    args = copy.deepcopy(function.args)
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            arg.annotation = None
    return f"{function.name}({ast.unparse(args)})"


def generated_doc(function: ast.FunctionDef, primitives: Sequence[str]) -> str:
    """A deterministic one-line docstring from the name, the parameters and the primitives (and
    other skills) called, for a function without one."""
    words = function.name.replace("_", " ").strip().capitalize() or function.name
    params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    params += [a.arg for a in function.args.kwonlyargs]
    takes = f"takes {', '.join(params)}" if params else "takes nothing"
    if not primitives:
        return f"{words} ({takes}; a helper: calls no primitive)."
    shown = ", ".join(primitives[:MAX_NAMED_CALLS])
    if len(primitives) > MAX_NAMED_CALLS:
        shown += f" and {len(primitives) - MAX_NAMED_CALLS} more"
    return f"{words} ({takes}; calls {shown})."
