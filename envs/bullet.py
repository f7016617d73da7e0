"""The one place codepolicy loads PyBullet and opens its clients, with the native chatter silenced.

PyBullet's C code prints a build banner on import (stderr) and ``argv[0]=`` lines on connect
(stdout), straight to the file descriptors, so ``codepolicy prompt X > file`` or a piped table
would be corrupted. Both happen here under an fd-level redirect into a temporary file; the text
is kept and shown only when connecting fails.

Opening a GUI without a display makes PyBullet print "cannot connect to X server" and *exit the
process*; :func:`connect` checks for a display first and raises :class:`GuiUnavailable` instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import tempfile
from collections.abc import Iterator

from codepolicy.errors import ConfigError

__all__ = ["GuiUnavailable", "connect", "pybullet", "quiet_native_output"]


class GuiUnavailable(ConfigError):
    """``gui=True`` was asked for but there is no display to open a window on (a configuration
    error: the CLI says so and exits 2)."""


@contextlib.contextmanager
def quiet_native_output() -> Iterator[list[str]]:
    """Send whatever native code writes to fds 1 and 2 to a temporary file while active.

    Yields a list that holds the captured text (one string) once the block has ended.
    """
    captured: list[str] = []
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        saved = (os.dup(1), os.dup(2))
    except OSError:  # no usable file descriptors (embedded interpreters): nothing to silence
        yield captured
        return
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sink.seek(0)
            captured.append(sink.read().decode("utf-8", "replace"))


with quiet_native_output():
    import pybullet
    from pybullet_utils.bullet_client import BulletClient


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why a GUI window cannot open here, or None when a display looks reachable.

    Only Linux/BSD X11 is checked (macOS and Windows always have a window system).
    """
    if sys.platform.startswith(("darwin", "win")):
        return None
    env = os.environ if environ is None else environ
    display = env.get("DISPLAY", "")
    if not display:
        return "no display: DISPLAY is not set (a headless machine, SSH without -X, or a container)"
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return f"DISPLAY={display!r} is not a valid X display name"
    try:
        if host in ("", "unix"):
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1.0)
                s.connect(f"/tmp/.X11-unix/X{number}")
        else:
            socket.create_connection((host, 6000 + int(number)), timeout=1.0).close()
    except OSError as exc:
        return f"no X server answers on DISPLAY={display} ({exc.strerror or exc})"
    return None


def check_display() -> None:
    """Raise :class:`GuiUnavailable` when a GUI window cannot open here (see :func:`connect`)."""
    problem = display_problem()
    if problem is not None:
        raise GuiUnavailable(
            f"--gui needs a display to open the PyBullet window, but there is {problem}; "
            "run without --gui, or record the episode with --video FILE"
        )


def connect(gui: bool = False) -> BulletClient:
    """A new PyBullet client (DIRECT, or GUI when ``gui``), opened without native output.

    Raises:
        GuiUnavailable: ``gui`` without a reachable display (checked before PyBullet would exit).
        RuntimeError: PyBullet refused to connect; the message carries what it printed.
    """
    if gui:
        check_display()
    with quiet_native_output() as said:
        try:
            client = BulletClient(pybullet.GUI if gui else pybullet.DIRECT)
        except Exception as exc:
            failure: Exception | None = exc
        else:
            failure = None
    if failure is not None:
        detail = " ".join(said[0].split()) if said else ""
        raise RuntimeError(f"PyBullet could not connect: {failure} {detail}".strip()) from failure
    return client
