"""The shared secret of a robot server and its clients, kept in a key file.

A key file holds one line: 64 hex digits (32 random bytes), written by
``codepolicy robot keygen FILE`` with mode 0600.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "robot.key"
    >>> write_key_file(path)
    >>> len(read_key_file(path))
    32
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_KEY_BYTES = 16
"""Shortest secret accepted (128 bits)."""


class KeyFileError(ValueError):
    """A key file is missing, unreadable or does not hold a usable secret."""


def write_key_file(path: Path, nbytes: int = 32) -> None:
    """Write a new random secret to ``path`` (mode 0600); refuse to overwrite an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(nbytes) + "\n")


def read_key_file(path: Path) -> bytes:
    """The secret in ``path``.

    Raises:
        KeyFileError: the file is missing or unreadable, or is not hex of at least
            :data:`MIN_KEY_BYTES` bytes; the message names the file.
    """
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise KeyFileError(f"key file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileError(
            f"key file {path} must hold hex digits only (make one with "
            "'codepolicy robot keygen FILE')"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyFileError(
            f"key file {path} holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed"
        )
    return key
