"""The jail's unprivileged path (no root: everything through a user namespace) works too."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from codepolicy.sandbox import jail

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to become nobody first"
)


def _layers_as_nobody(cwd: Path) -> dict[str, list[object]]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read)
            os.setgroups([])
            os.setresgid(jail.NOBODY, jail.NOBODY, jail.NOBODY)
            os.setresuid(jail.NOBODY, jail.NOBODY, jail.NOBODY)
            layers = jail.enter(str(cwd))
            try:
                probe = {"root": os.listdir("/")}
            except OSError as exc:
                probe = {"root": exc.strerror}
            os.write(write, json.dumps({"layers": layers, **probe}).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data)


def test_unprivileged_worker_gets_namespaces_through_a_user_namespace() -> None:
    jail.preload()
    cwd = Path(tempfile.mkdtemp(prefix="codepolicy-jail-test-", dir="/tmp"))  # nobody can reach it
    try:
        os.chown(cwd, jail.NOBODY, jail.NOBODY)
        result = _layers_as_nobody(cwd)
    finally:
        os.rmdir(cwd)
    layers = result["layers"]
    if not layers["user_ns"][0]:
        pytest.skip(f"no unprivileged user namespaces here: {layers['user_ns'][1]}")
    for name in ("pid_ns", "net_ns", "ipc_ns", "mount_ns", "filesystem", "no_new_privs"):
        assert layers[name][0], (name, layers[name])
    assert layers["uid_drop"] == [True, f"not root (uid {jail.NOBODY})"]
    assert "landlock" in layers
    assert result["root"] in ([], "Permission denied"), "the view is empty (or Landlock denies it)"
