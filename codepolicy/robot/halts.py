"""Halt bookkeeping of the robot server: what asked for a halt, and who waits to hear it held.

The server's network thread asks the driver thread to halt (the watchdog, a disconnect, an
e-stop) and must not block. :class:`Halts` remembers each request with its time and reason, and
the ``stop`` requests whose reply waits for the arm to stand still. Once the driver reports that
it holds still, :meth:`Halts.settle` turns them into log entries (with the halt latency) and the
e-stop replies.

Example:
    >>> halts = Halts()
    >>> halts.request("emergency stop from cli", now=10.0)
    >>> halts.waiting_stop(b"rid", {"seq": 1}, now=10.0)
    >>> entries, replies = halts.settle(held_at=10.025, busy=False, wall_now=1000.0)
    >>> entries[0]["latency_ms"], replies[0][2]["stopped"]
    (25.0, True)
    >>> halts.settle(held_at=10.025, busy=False)
    ([], [])
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Halts:
    """Halt requests not yet seen through, and the e-stop replies waiting on them."""

    _requests: list[tuple[float, str]] = field(default_factory=list)
    _stops: list[tuple[bytes, dict[str, Any], float]] = field(default_factory=list)

    def request(self, reason: str, *, now: float | None = None) -> None:
        """Record that a halt was asked for, and why."""
        self._requests.append((time.monotonic() if now is None else now, reason))

    def waiting_stop(self, rid: bytes, msg: dict[str, Any], *, now: float | None = None) -> None:
        """Record a ``stop`` request to answer once the arm holds still."""
        self._stops.append((rid, msg, time.monotonic() if now is None else now))

    @property
    def last_reason(self) -> str:
        """Why the latest halt was asked for (``"halted"`` when none is pending)."""
        return self._requests[-1][1] if self._requests else "halted"

    def settle(
        self, held_at: float | None, busy: bool, *, wall_now: float | None = None
    ) -> tuple[list[dict[str, Any]], list[tuple[bytes, dict[str, Any], dict[str, Any]]]]:
        """Once the arm holds still (``held_at`` set and the driver not ``busy``): the log entries
        of the pending halts and the replies to the waiting stops; both empty until then.

        Args:
            held_at: Monotonic time the driver reported holding still, or None.
            busy: Whether the driver still runs a command.
            wall_now: The wall clock now (for the entries' ``held_wall``), ``time.time()``.
        """
        if held_at is None or busy or not self._requests:
            return [], []
        wall = time.time() if wall_now is None else wall_now
        held_wall = wall - (time.monotonic() - held_at) if wall_now is None else wall
        entries = [
            {
                "reason": reason,
                "latency_ms": round(max(0.0, held_at - asked) * 1000, 2),
                "held_wall": held_wall,
            }
            for asked, reason in self._requests
        ]
        replies = [
            (rid, msg, {"stopped": True, "latency_ms": round(max(0.0, held_at - t0) * 1000, 2)})
            for rid, msg, t0 in self._stops
        ]
        self._requests.clear()
        self._stops.clear()
        return entries, replies
