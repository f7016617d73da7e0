"""What a program defines at its top level: the functions a session carries to the next program."""

from __future__ import annotations

import ast


def defined_functions(source: str) -> list[str]:
    """Names of the functions ``source`` defines at its top level (none if it does not parse).

    Example:
        >>> defined_functions("def f(x):\\n    return x\\ny = f(1)")
        ['f']
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def top_level_definitions(source: str) -> str:
    """The source of the top-level function definitions of ``source`` (what a session carries
    from one program to the next), or an empty string."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return ""
    parts = [ast.get_source_segment(source, n) for n in tree.body if isinstance(n, ast.FunctionDef)]
    return "\n\n".join(p for p in parts if p)
