"""What one program of a session leaves for the next: its variables and its function definitions.

Code as Policies keeps a namespace across instructions ("undo that", "make the triangle
smaller"). Each program here runs in its own sandboxed worker, so the namespace travels between
them: values that cross the protocol (numbers, strings, lists, arrays, dicts) are handed to the
next program as variables, and the functions a program defined are run before the next one as its
prelude (under their own file name, so feedback line numbers stay the program's own).

Example:
    >>> state = ProgramState()
    >>> state.update("def twice(x):\\n    return 2 * x\\nn = twice(2)\\n", {"n": 4})
    >>> state.variables, state.functions()
    ({'n': 4}, ['twice'])
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from codepolicy.sandbox.definitions import defined_functions, top_level_definitions


@dataclass
class ProgramState:
    """Variables and function definitions carried from program to program."""

    variables: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    """Function name -> its source; a later definition replaces an earlier one."""

    def update(self, program: str, kept: dict[str, Any]) -> None:
        """Take what ``program`` left: its variables (``kept``) and the functions it defined."""
        self.variables.update(kept)
        source = top_level_definitions(program)
        if not source:
            return
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                segment = ast.get_source_segment(source, node)
                if segment:
                    self.definitions[node.name] = segment
                    self.variables.pop(node.name, None)

    def functions(self) -> list[str]:
        """Names of the functions carried over."""
        return defined_functions(self.prelude())

    def prelude(self) -> str:
        """The carried function definitions, run before the next program."""
        return "\n\n".join(self.definitions.values())
