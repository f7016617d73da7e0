"""The worker's end of the protocol: newline-delimited JSON to the host, and error reports.

Everything sent from here is scrubbed of memory addresses and re-validated by the host.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, NoReturn

from codepolicy.sandbox.policy import EXIT_OK, EXIT_PROTOCOL

PROGRAM_FILENAME = "<program>"
PRELUDE_FILENAME = "<session>"
"""Definitions carried over from earlier programs of a session run under their own file name, so
line numbers in the feedback stay those of the current program."""

_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{6,}")


def scrub(text: str) -> str:
    """``text`` without memory addresses (``<function f at 0x7f...>`` -> ``at 0x…``)."""
    return _ADDRESS_RE.sub("0x…", text)


class Channel:
    """Newline-delimited JSON over two file descriptors."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._in = os.fdopen(read_fd, "rb", buffering=65536)
        self._out = write_fd

    def send(self, msg: dict[str, Any]) -> None:
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(self._out, view)
            view = view[n:]

    def receive(self) -> dict[str, Any]:
        line = self._in.readline()
        if not line:
            os._exit(EXIT_OK)  # host went away
        msg = json.loads(line)
        if not isinstance(msg, dict):
            die(EXIT_PROTOCOL)
        return msg


def die(code: int) -> NoReturn:
    """Exit the worker at once with ``code`` (no clean-up: nothing of the program may run)."""
    os._exit(code)


def program_line(frame: Any) -> int | None:
    """The line of the program (not the prelude) that ``frame`` or its callers are running."""
    for _ in range(64):
        if frame is None:
            return None
        if frame.f_code.co_filename == PROGRAM_FILENAME:
            return int(frame.f_lineno)
        frame = frame.f_back
    return None


def _trace(tb: Any) -> list[list[Any]]:
    frames: list[list[Any]] = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == PROGRAM_FILENAME:
            frames.append([int(tb.tb_lineno), str(code.co_name)[:100]])
        tb = tb.tb_next
    return frames[-20:]


def report_error(channel: Channel, exc: BaseException, category: str) -> None:
    """Send the exception the program raised as an ``error`` message."""
    try:
        message = scrub(str(exc)[:2000])
    except Exception:
        message = "<unprintable>"
    trace = _trace(exc.__traceback__)
    channel.send(
        {
            "type": "error",
            "exc_type": type(exc).__name__[:100],
            "message": message,
            "line": trace[-1][0] if trace else None,
            "trace": trace,
            "category": category,
        }
    )
