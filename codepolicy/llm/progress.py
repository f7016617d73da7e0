"""Showing a streamed answer's progress: one short line every few seconds of a long generation.

Example:
    >>> import io
    >>> out = io.StringIO()
    >>> show = line_progress(stream=out, every_s=0.0)
    >>> show(12, 3.0)
    >>> out.getvalue()
    '  model: 12 tokens in 3 s (4.0 tokens/s)\\n'
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def line_progress(
    stream: TextIO | None = None, every_s: float = 5.0
) -> Callable[[int, float], None]:
    """A progress callback printing a line at most every ``every_s`` seconds.

    Plain lines rather than a rewritten status line, so logs and pipes read as well as terminals,
    and a fast answer prints nothing.

    Args:
        stream: Where to write (default ``sys.stderr``).
        every_s: Seconds between lines; the first comes after ``every_s`` seconds.
    """
    last = [time.monotonic() if every_s > 0 else -float("inf")]

    def show(tokens: int, elapsed: float) -> None:
        now = time.monotonic()
        if now - last[0] < every_s:
            return
        last[0] = now
        rate = tokens / elapsed if elapsed > 0 else 0.0
        out = stream if stream is not None else sys.stderr
        out.write(f"  model: {tokens} tokens in {elapsed:.0f} s ({rate:.1f} tokens/s)\n")
        out.flush()

    return show
