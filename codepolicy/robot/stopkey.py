"""The stop key of an interactive run: one key press e-stops the robot, no model or program needed.

While a program runs on a remote robot from a terminal, :class:`StopKey` puts the terminal in
cbreak mode (keys arrive one by one, unechoed; Ctrl-C still interrupts) and watches it from a
background thread. On ``s`` or Space it sends ``stop`` to the robot server over a session of its
own — the same e-stop as ``codepolicy robot stop ADDR``, so it works while the program's session
waits on a motion: the server halts the arm and latches the stop, the running motion comes back
``halted`` and the program ends with status ``safety_stop``. The terminal's settings are restored
on leaving the ``with`` block, whatever ends it (an exception, Ctrl-C), and at interpreter exit.

Example:
    >>> import os
    >>> r, w = os.pipe()  # not a terminal: the key is off and nothing is touched
    >>> with StopKey(r, stop=lambda: "stopped", say=print) as key:
    ...     key.armed
    False
    >>> os.close(r); os.close(w)
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

STOP_KEYS = frozenset(b"sS ")
"""Bytes that stop the robot: ``s``, ``S`` and Space."""
HINT = "Stop key: press s or Space to e-stop the robot (latched until 'codepolicy robot release')"


class StopKey:
    """Watches terminal ``fd`` for the stop key while the ``with`` block runs.

    Args:
        fd: The terminal to read keys from (stdin's descriptor); not a terminal: the key is off.
        stop: Sends the e-stop and returns what the robot said (raises on failure).
        say: Shows a line to the operator.

    Attributes:
        armed: Whether the terminal is watched.
        pressed: Whether the stop key was pressed.
        outcome: What the e-stop returned, or why it failed (set once pressed).
    """

    def __init__(self, fd: int, stop: Callable[[], str], say: Callable[[str], None]) -> None:
        self.fd, self._stop, self._say = fd, stop, say
        self.armed = False
        self.pressed = False
        self.outcome = ""
        self._saved: list[Any] | None = None
        self._quit = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StopKey:
        if not os.isatty(self.fd):
            return self
        import termios

        self._saved = termios.tcgetattr(self.fd)
        atexit.register(self._restore)
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ECHO | termios.ICANON)  # lflags: keys one by one, unechoed; ISIG kept
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)
        self.armed = True
        self._thread = threading.Thread(target=self._watch, name="stop-key", daemon=True)
        self._thread.start()
        self._say(HINT)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._quit.set()
        if self._thread is not None:
            self._thread.join(timeout=6.0)
        self._restore()

    def _restore(self) -> None:
        """Put the terminal back as it was (idempotent)."""
        saved, self._saved = self._saved, None
        if saved is None:
            return
        import termios

        with contextlib.suppress(OSError, termios.error):
            termios.tcsetattr(self.fd, termios.TCSANOW, saved)
        atexit.unregister(self._restore)

    def _watch(self) -> None:
        while not self._quit.is_set():
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                data = os.read(self.fd, 64) if ready else b""
            except OSError:
                return
            if ready and not data:
                return  # the terminal closed
            if STOP_KEYS & set(data):
                self.pressed = True
                self._say("Stop key pressed: sending the e-stop to the robot")
                try:
                    self.outcome = self._stop()
                except Exception as exc:  # the link is gone: say so, the watchdog halts anyway
                    self.outcome = f"the e-stop was not confirmed: {exc}"
                self._say(f"Stop key: {self.outcome}")
                return


def estop_sender(address: str, key: bytes) -> tuple[Callable[[], str], Callable[[], None]]:
    """A connected read-only session that sends the e-stop: (send it, close the session).

    Raises:
        RobotError: the server cannot be reached or refused us.
    """
    from codepolicy.robot.client import RobotClient

    client = RobotClient(address, key, role="observe", name="stop key", connect_timeout=2.0)
    client.connect()

    def send() -> str:
        result = client.request("stop", timeout=5.0)
        return (
            f"robot stopped (halted in {float(result.get('latency_ms', 0.0)):.1f} ms); motions "
            f"stay refused until 'codepolicy robot release {address}'"
        )

    return send, client.disconnect
