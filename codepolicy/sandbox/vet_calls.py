"""Static vetting of calls: primitive arguments against signatures, unknown functions, ``str.format``.

The vetter (:mod:`.vetting`) builds on :class:`CallVetter`, which holds the state every check shares
(problems found, names bound, module aliases) and checks each ``ast.Call``: a primitive's arguments
bind to its signature (and literal arguments pass its validation), a program function's arguments
bind to its definition, an unknown function gets a close-match suggestion (or is only listed, for
hierarchical code generation), and ``.format`` is called only on a string literal with plain fields.
"""

from __future__ import annotations

import ast
import difflib
import inspect
from typing import Any

from codepolicy.primitives.errors import InvalidArgument
from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import policy
from codepolicy.sandbox.vet_report import (
    UndefinedFunction,
    VetProblem,
    format_fields_ok,
    signature_of,
)


class CallVetter(ast.NodeVisitor):
    """The vetter's state and its checks of calls; :class:`~.vetting.Vetter` adds the rest.

    Args:
        source: The program text (for the source lines of problems).
        registry: The primitives the program may call.
        allow_undefined: List calls to unknown functions without making them problems.
    """

    def __init__(self, source: str, registry: Registry, allow_undefined: bool) -> None:
        self.lines = source.splitlines()
        self.registry = registry
        self.allow_undefined = allow_undefined
        self.problems: list[VetProblem] = []
        self.undefined: dict[str, UndefinedFunction] = {}
        self.primitives_used: list[str] = []
        self.bound: set[str] = set()
        self.funcs: dict[str, ast.FunctionDef] = {}
        self.modules: dict[str, str] = dict(policy.PRELOADED_NAMES)
        self._handled: set[int] = set()

    # -- helpers -------------------------------------------------------------------------------

    def problem(self, node: ast.AST | None, code: str, message: str) -> None:
        line = getattr(node, "lineno", 0) or 0
        col = (getattr(node, "col_offset", 0) or 0) + 1
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.problems.append(
            VetProblem(line=line, col=col, code=code, message=message, source_line=src)
        )

    def known(self, name: str) -> bool:
        return (
            name in self.bound
            or name in policy.SAFE_BUILTIN_NAMES
            or name in self.registry
            or name in self.modules
        )

    def check_identifier(self, node: ast.AST, name: str, what: str) -> None:
        if name.startswith("_"):
            self.problem(node, "underscore_name", f"{what} '{name}' starts with '_'; not allowed")
        elif name in policy.BANNED_NAMES:
            self.problem(node, "banned_name", f"'{name}' is not allowed in programs")

    # -- calls -------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in policy.FORMAT_METHODS:
            self._check_format_call(node, func)
        elif isinstance(func, ast.Name):
            self._check_named_call(node, func)
        self.generic_visit(node)

    def _check_format_call(self, node: ast.Call, func: ast.Attribute) -> None:
        receiver = func.value
        if not (isinstance(receiver, ast.Constant) and isinstance(receiver.value, str)):
            self.problem(
                node,
                "format_string",
                f"'.{func.attr}' is only allowed on a string literal; use an f-string",
            )
        elif not format_fields_ok(receiver.value):
            self.problem(
                node,
                "format_string",
                "format fields with '.' or '[' (attribute/index paths) are not allowed",
            )
        self._handled.add(id(func))

    def _check_named_call(self, node: ast.Call, func: ast.Name) -> None:
        name = func.id
        if name.startswith("_") or name in policy.BANNED_NAMES:
            return  # reported by visit_Name
        starred = any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        n_args = len(node.args)
        keywords = [k.arg for k in node.keywords if k.arg is not None]
        if name == "type" and name not in self.bound and (n_args != 1 or node.keywords):
            self.problem(node, "banned_name", "only the one-argument form type(x) is allowed")
        if name in self.registry and name not in self.bound:
            spec = self.registry.get(name)
            self.primitives_used.append(name)
            sig_text = spec.signature_text
            if not starred and self._check_bind(node, spec.signature, n_args, keywords, sig_text):
                self._check_literal_types(node, spec)
            return
        if name in self.funcs and not starred:
            sig = signature_of(self.funcs[name])
            if sig is not None:
                self._check_bind(node, sig, n_args, keywords, f"{name}{sig}")
            return
        if self.known(name):
            return
        self._handled.add(id(func))
        candidates = self.registry.names() + list(self.funcs)
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        entry = self.undefined.setdefault(
            name,
            UndefinedFunction(
                name=name, lines=[], arg_counts=[], suggestion=close[0] if close else None
            ),
        )
        entry.lines.append(node.lineno)
        entry.arg_counts.append(n_args)
        entry.keywords.extend(k for k in keywords if k not in entry.keywords)
        if self.allow_undefined:
            return
        if close:
            msg = f"unknown primitive '{name}'; did you mean '{close[0]}'?"
        else:
            known = ", ".join(self.registry.names()[:20])
            msg = f"unknown primitive '{name}'; available primitives: {known}"
        self.problem(node, "unknown_primitive", msg)

    def _check_bind(
        self,
        node: ast.Call,
        sig: inspect.Signature,
        n_args: int,
        keywords: list[str],
        text: str,
    ) -> bool:
        try:
            sig.bind(*([None] * n_args), **dict.fromkeys(keywords))
        except TypeError as exc:
            self.problem(node, "bad_arguments", f"{text}: {exc}")
            return False
        return True

    def _check_literal_types(self, node: ast.Call, spec: Any) -> None:
        try:
            args = [ast.literal_eval(a) for a in node.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return  # not all literals: checked at run time
        try:
            spec.validate_args(args, kwargs)
        except InvalidArgument as exc:
            self.problem(node, "bad_argument_type", str(exc))
        except Exception:
            return
