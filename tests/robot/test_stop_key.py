"""The stop key of an interactive run: ``run --backend remote`` on a terminal (a pty here) e-stops the
robot on ``s`` or Space, ends the episode with a clear status and always restores the terminal.
The robot server is a separate real-time physics process over loopback."""

from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from codepolicy.robot.client import RobotClient
from codepolicy.robot.log import read_log
from codepolicy.robot.stopkey import HINT
from tests.robot.helpers import CLI, Served, env

pytestmark = pytest.mark.timeout(150)


class Terminal:
    """A process whose stdin, stdout and stderr are a fresh pty (its controlling terminal)."""

    def __init__(self, args: list[str], stdout: IO[str] | None = None) -> None:
        self.master, self.slave = os.openpty()
        self.proc = subprocess.Popen(
            args, stdin=self.slave, stdout=stdout or self.slave, stderr=self.slave, env=env(),
            start_new_session=True, preexec_fn=self._take_terminal,
        )  # fmt: skip
        self.output = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @staticmethod
    def _take_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    chunk = os.read(self.master, 4096)
                    if not chunk:
                        return
                    self.output += chunk
            except OSError:
                return
            if self.proc.poll() is not None and not ready:
                return

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace").replace("\r\n", "\n")

    def wait_for(self, needle: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            assert self.proc.poll() is None, f"exited before {needle!r}: {self.text[-3000:]}"
            assert time.monotonic() < deadline, f"no {needle!r} in: {self.text[-3000:]}"
            time.sleep(0.05)

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def echo_and_canonical(self) -> bool:
        lflag = termios.tcgetattr(self.slave)[3]
        return bool(lflag & termios.ECHO) and bool(lflag & termios.ICANON)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._reader.join(5)
        os.close(self.master)
        os.close(self.slave)


def _run(served: Served, *extra: str, stdout: IO[str] | None = None) -> Terminal:
    return Terminal(
        [*CLI, "run", "stack-blocks", "--backend", "remote", "--robot", served.address,
         "--key-file", str(served.key_file), *extra],
        stdout,
    )  # fmt: skip


def _release(served: Served) -> None:
    done = subprocess.run(
        [*CLI, "robot", "release", served.address, "--key-file", str(served.key_file)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture(autouse=True)
def _unlatched(realtime: Served) -> Iterator[None]:
    """Each test starts with the e-stop released, whatever the one before left."""
    yield
    with RobotClient(realtime.address, realtime.key, role="observe") as watcher:
        latched = watcher.request("state")["estop"]
    if latched:
        _release(realtime)


@pytest.mark.parametrize("key", [b"s", b" "])
def test_the_stop_key_estops_the_robot_and_ends_the_episode(
    realtime: Served, key: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    with out.open("w") as stdout:
        term = _run(realtime, "--json", stdout=stdout)
        try:
            term.wait_for(HINT)
            assert not term.echo_and_canonical()  # cbreak while the program runs
            time.sleep(2.5)  # mid-program: stacking three blocks takes far longer at real time
            assert term.proc.poll() is None, "the program ended before the stop key"
            term.type(key)
            term.proc.wait(60)
            restored = term.echo_and_canonical()
        finally:
            term.close()
    text = term.text
    assert restored, "the terminal was left in cbreak mode"
    assert term.proc.returncode == 1, text[-3000:]
    assert "Stop key pressed: sending the e-stop to the robot" in text
    assert "Stop key: robot stopped (halted in " in text
    assert "Episode ended by the stop key: safety_stop" in text
    report = json.loads(out.read_text())
    assert report["status"] == "safety_stop" and report["stopped_by"] == "stop key"
    # The key lands during a motion (the motion is halted) or between two (the next is refused).
    message = report["error"]["message"]
    assert "emergency stop from stop key" in message or "emergency stop is latched" in message
    halts = [r for r in read_log(realtime.log) if r["event"] == "halt"]
    assert any("emergency stop from stop key" in str(h["reason"]) for h in halts)
    with RobotClient(realtime.address, realtime.key, role="observe") as watcher:
        assert watcher.request("state")["estop"] is True  # latched, as codepolicy robot stop


def test_ctrl_c_restores_the_terminal_too(realtime: Served) -> None:
    term = _run(realtime)
    try:
        term.wait_for(HINT)
        time.sleep(1.5)
        term.type(b"\x03")  # the terminal's interrupt character: SIGINT to the run
        term.proc.wait(30)
        restored = term.echo_and_canonical()
    finally:
        term.close()
    assert term.proc.returncode != 0
    assert restored, "Ctrl-C left the terminal in cbreak mode"
    with RobotClient(realtime.address, realtime.key, role="observe") as watcher:
        state = watcher.request("state")
        assert not state["estop"] and not state["controlled"]


def test_no_stop_key_with_confirm_or_without_a_terminal(realtime: Served, tmp_path: Path) -> None:
    term = _run(realtime, "--confirm", "first")
    try:
        term.wait_for("Stop key: off while --confirm asks before motions")
        term.wait_for("Enter to go")
        term.type(b"n\n")  # refuse the first motion: the program stops, nothing moved
        term.proc.wait(60)
    finally:
        term.close()
    assert HINT not in term.text
    piped = subprocess.run(
        [*CLI, "run", "pick-place", "--backend", "remote", "--robot", realtime.address,
         "--key-file", str(realtime.key_file)],
        input="", capture_output=True, text=True, timeout=120, env=env(),
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr[-2000:]
    assert "Stop key" not in piped.stdout + piped.stderr
