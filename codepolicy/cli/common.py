"""Helpers shared by CLI commands: exit codes, error printing, clean stdout for JSON."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import typer

EXIT_OK = 0
EXIT_NOT_ACHIEVED = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` to stderr and exit with ``code`` (2: bad input by default)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def read_text_file(path: Path, what: str) -> str:
    """Read a UTF-8 text file or exit 2 with a message naming the file and the problem."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{what} file not found: {path}")
    except IsADirectoryError:
        fail(f"{what} path is a directory, not a file: {path}")
    except UnicodeDecodeError as exc:
        fail(f"{what} file {path} is not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        fail(f"cannot read {what} file {path}: {exc.strerror}")


@contextlib.contextmanager
def config_errors() -> Iterator[None]:
    """Turn the library's :class:`~codepolicy.errors.ConfigError` (and scenario errors) into
    ``error: <sentence>`` and exit 2."""
    from codepolicy.errors import ConfigError
    from codepolicy.scenario.errors import ScenarioError

    try:
        yield
    except (ConfigError, ScenarioError) as exc:
        fail(str(exc))


@contextlib.contextmanager
def json_stdout(enabled: bool) -> Iterator[Any]:
    """While active, anything written to stdout (including C libraries) goes to stderr.

    Yields a function that prints one JSON object to the real stdout. Native code such as pybullet
    prints banners on fd 1; this keeps ``--json`` output exactly one JSON object.
    """
    if not enabled:
        yield lambda obj: typer.echo(json.dumps(obj, indent=2))
        return
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    real = os.fdopen(os.dup(saved), "w", encoding="utf-8")

    def emit(obj: Any) -> None:
        real.write(json.dumps(obj, indent=2) + "\n")
        real.flush()

    try:
        yield emit
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        real.close()
