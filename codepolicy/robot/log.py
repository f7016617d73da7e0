"""The server's command log: one JSON line per command, with what was asked and what was executed.

Lines go to a file (``--log FILE``, appended, flushed per line) and, shortened, to stderr.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO


class CommandLog:
    """Appends one JSON object per event.

    Args:
        path: JSONL file to append to, or None for no file.
        echo: Also print a one-line summary of each event to this stream (None: silent).
    """

    def __init__(self, path: Path | None = None, echo: TextIO | None = sys.stderr) -> None:
        self._file = open(path, "a", encoding="utf-8") if path is not None else None  # noqa: SIM115
        self._echo = echo
        self._lock = threading.Lock()

    def write(self, event: str, **fields: Any) -> None:
        """Record one event (``command``, ``refused``, ``halt``, ``session``, ...)."""
        record = {"time": time.time(), "event": event, **fields}
        line = json.dumps(record, default=_plain)
        with self._lock:
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()
            if self._echo is not None:
                self._echo.write(_summary(record) + "\n")
                self._echo.flush()

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (set, tuple)):
        return list(value)
    return repr(value)


def _summary(record: dict[str, Any]) -> str:
    keep = {k: v for k, v in record.items() if k not in ("time", "event")}
    text = json.dumps(keep, default=_plain)
    return f"[robot] {record['event']}: {text[:300]}"


def read_log(path: Path) -> list[dict[str, Any]]:
    """All records of a log file (for tests and tools)."""
    return [
        json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line
    ]
