"""Test-only: run arbitrary code in a jailed worker with the real ``os``, ``socket``, ``ctypes``.

The "assume escape" tests use this to play an attacker who has already beaten every Python-level
wall: the program gets the real builtins and modules, no audit hook, no vetting, and only the OS
jail (namespaces, empty read-only root, Landlock, seccomp, rlimits) stands in its way. The worker
honours an ``unrestricted`` start message only when its environment has
``CODEPOLICY_SANDBOX_TESTING=1``, which only ``WorkerPool(testing=True)`` sets; production pools
never do.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

MODULES: tuple[str, ...] = (
    "os",
    "sys",
    "socket",
    "ctypes",
    "subprocess",
    "resource",
    "signal",
    "errno",
    "threading",
    "mmap",
)
"""Modules the unrestricted program finds bound in its globals (imported before the jail)."""


def preload() -> None:
    """Import the attacker's modules while files can still be read."""
    import ctypes

    for name in MODULES:
        __import__(name)
    ctypes.CDLL(None)


def unrestricted_globals(send: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Globals with the real builtins, the modules above and ``report(text)`` (prints to host)."""
    import sys

    globs: dict[str, Any] = {"__builtins__": builtins, "__name__": "__escape__"}
    for name in MODULES:
        globs[name] = sys.modules[name]

    def report(text: object) -> None:
        send({"type": "print", "text": str(text)[:4000] + "\n"})

    globs["report"] = report
    return globs
