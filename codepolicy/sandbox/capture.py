"""The program's output as the host keeps it: ``print`` text and what output primitives say, capped.

Example:
    >>> out = CapturedOutput(cap=8)
    >>> out.add("hello\\n"), out.add("world\\n")
    (True, False)
    >>> out.text(), out.truncated
    ('hello\\nwo', True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class CapturedOutput:
    """Output text up to ``cap`` characters; the first overflow keeps what fits and flags it.

    Args:
        cap: The most characters kept (``max_output_bytes``).
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.truncated = False
        self._parts: list[str] = []
        self._used = 0

    def add(self, text: str) -> bool:
        """Keep ``text``; False (keeping only what fits) when it goes over the cap."""
        room = self.cap - self._used
        if len(text) > room:
            self._parts.append(text[: max(room, 0)])
            self._used += max(room, 0)
            self.truncated = True
            return False
        self._parts.append(text)
        self._used += len(text)
        return True

    def text(self) -> str:
        """Everything kept so far."""
        return "".join(self._parts)


def said_text_hook(add: Callable[[str], Any]) -> Callable[[dict[str, Any]], None]:
    """A hook that passes the string arguments of an output primitive (``say``) to ``add``."""

    def record(checked: dict[str, Any]) -> None:
        texts = [v for v in checked.values() if isinstance(v, str)]
        if texts:
            add(" ".join(texts) + "\n")

    return record
