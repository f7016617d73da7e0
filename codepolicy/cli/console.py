"""The console every command prints its tables with.

On a terminal, tables fit its width. Piped into a file, ``less`` or another program, rich would
assume 80 columns and squeeze wide tables into ``su…`` cells; there the console is as wide as
the widest table needs instead (rows are never padded beyond their content).
"""

from __future__ import annotations

import sys

from rich.console import Console

PIPED_WIDTH = 400
"""Columns assumed when the output is not a terminal: wider than any table we print."""


def output_console(*, stderr: bool = False) -> Console:
    """A console for tables on stdout (or stderr) that never squeezes them when piped."""
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr, highlight=False)
    return Console(stderr=stderr, width=PIPED_WIDTH, highlight=False)
