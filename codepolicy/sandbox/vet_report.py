"""Vetting results (pydantic models) and the AST helpers vetting uses."""

from __future__ import annotations

import ast
import inspect
import string

from pydantic import BaseModel, ConfigDict, Field


class VetProblem(BaseModel):
    """One reason to refuse a program."""

    model_config = ConfigDict(frozen=True)

    line: int = Field(description="1-based line of the offending code (0 if unknown).")
    col: int = Field(description="1-based column.")
    code: str = Field(description="Stable machine-readable kind, e.g. 'forbidden_import'.")
    message: str
    source_line: str = ""


class UndefinedFunction(BaseModel):
    """A function the program calls but neither defines nor gets from the API.

    A hierarchical planner can ask a model to write these.
    """

    name: str
    lines: list[int]
    arg_counts: list[int] = Field(description="Positional argument count at each call site.")
    keywords: list[str] = Field(default_factory=list, description="Keywords used at any site.")
    suggestion: str | None = Field(default=None, description="Closest known name, if any.")


class VetReport(BaseModel):
    """The outcome of vetting one program."""

    ok: bool
    problems: list[VetProblem] = Field(default_factory=list)
    undefined_functions: list[UndefinedFunction] = Field(default_factory=list)
    defined_functions: list[str] = Field(default_factory=list)
    primitives_used: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        """Human-readable multi-line text: one line per problem, with the source line."""
        if self.ok:
            return "ok"
        out = []
        for p in self.problems:
            out.append(f"line {p.line}:{p.col}: [{p.code}] {p.message}")
            if p.source_line.strip():
                out.append(f"    {p.source_line.strip()}")
        return "\n".join(out)


def bound_names(tree: ast.AST) -> tuple[set[str], dict[str, ast.FunctionDef]]:
    """Every name the program binds anywhere, and its (any-level) function definitions."""
    bound: set[str] = set()
    funcs: dict[str, ast.FunctionDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            if isinstance(node, ast.FunctionDef):
                funcs.setdefault(node.name, node)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif (isinstance(node, ast.ExceptHandler) and node.name) or (
            isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name
        ):
            bound.add(node.name)
    return bound, funcs


def signature_of(func: ast.FunctionDef) -> inspect.Signature | None:
    """An :class:`inspect.Signature` with placeholder defaults, for argument-count checks."""
    a = func.args
    params: list[inspect.Parameter] = []
    try:
        positional = a.posonlyargs + a.args
        n_required = len(positional) - len(a.defaults)
        for i, arg in enumerate(positional):
            kind = (
                inspect.Parameter.POSITIONAL_ONLY
                if i < len(a.posonlyargs)
                else inspect.Parameter.POSITIONAL_OR_KEYWORD
            )
            default = inspect.Parameter.empty if i < n_required else None
            params.append(inspect.Parameter(arg.arg, kind, default=default))
        if a.vararg:
            params.append(inspect.Parameter(a.vararg.arg, inspect.Parameter.VAR_POSITIONAL))
        for arg, kw_default in zip(a.kwonlyargs, a.kw_defaults, strict=False):
            default = inspect.Parameter.empty if kw_default is None else None
            params.append(
                inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default=default)
            )
        if a.kwarg:
            params.append(inspect.Parameter(a.kwarg.arg, inspect.Parameter.VAR_KEYWORD))
        return inspect.Signature(params)
    except (ValueError, TypeError):  # duplicate or malformed parameters: the compiler says so
        return None


def format_fields_ok(fmt: str) -> bool:
    """True if every replacement field of ``fmt`` is a plain name or index, no ``.``/``[``."""
    try:
        for _text, field, spec, _conv in string.Formatter().parse(fmt):
            if field is not None and ("." in field or "[" in field):
                return False
            if spec and ("{" in spec) and not format_fields_ok(spec):
                return False
    except ValueError:
        return False
    return True
