"""The worker's audit hook: the second Python-level wall, installed just before the program runs."""

from __future__ import annotations

from typing import Any


def audit_hook(event: str, args: tuple[Any, ...]) -> None:
    """Blocks files, processes, sockets, ctypes, imports, compilation... once installed.

    Installed only after the program is compiled, so it needs no state: it reads no globals, has no
    closure or defaults, and its constants live in its (immutable) code object. Replacing its code
    or defaults is itself an audited (blocked) event, so a program that escapes the first wall
    cannot switch it off. ``sys._getframe`` (used by the primitive stubs) and ``exec`` of existing
    code objects stay allowed; ``compile``, ``code.__new__`` and ``marshal`` (new code) do not.
    """
    if event == "sys._getframe" or event == "exec" or event == "builtins.id":
        return
    if event.startswith(
        (
            "open",
            "os.",
            "subprocess.",
            "socket.",
            "ctypes.",
            "import",
            "compile",
            "code.",
            "function.",
            "sys.",
            "marshal.",
            "pickle.",
            "shutil.",
            "mmap.",
            "glob.",
            "tempfile.",
            "fcntl.",
            "pty.",
            "resource.",
            "signal.",
            "urllib.",
            "http.",
            "ftplib.",
            "smtplib.",
            "poplib.",
            "imaplib.",
            "nntplib.",
            "telnetlib.",
            "webbrowser.",
            "builtins.input",
            "cpython.",
            "gc.",
            "object.__setattr__",
            "object.__delattr__",
            "syslog.",
            "sqlite3.",
            "setopencode",
            "_posixsubprocess",
            "_thread",
            "threading.",
            "time.sleep",
            "winreg.",
            "msvcrt.",
            "array.",
            "faulthandler.",
            "tracemalloc.",
            "ssl.",
            "select.",
        )
    ):
        raise RuntimeError(f"operation '{event}' is not allowed in the sandbox")
