"""Start a robot server as a separate process, and a small loopback TCP proxy for network faults."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from codepolicy.robot.client import RobotClient
from codepolicy.robot.errors import RobotError
from codepolicy.robot.keys import read_key_file

PYTHON = sys.executable
CLI = [PYTHON, "-m", "codepolicy"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """A running robot server process."""

    proc: subprocess.Popen[str]
    address: str
    key_file: Path
    log: Path

    @property
    def key(self) -> bytes:
        return read_key_file(self.key_file)

    def observer(self) -> RobotClient:
        client = RobotClient(self.address, self.key, role="observe", name="test observer")
        client.connect()
        return client

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def serve(tmp: Path, *, rate: float = 0.0, extra: tuple[str, ...] = ()) -> Served:
    """Start ``codepolicy robot serve --driver physics`` and wait until it answers (30 s at most)."""
    key_file = tmp / "robot.key"
    if not key_file.exists():
        subprocess.run([*CLI, "robot", "keygen", str(key_file)], check=True, capture_output=True)
    log = tmp / f"robot-log-{time.monotonic_ns()}.jsonl"
    address = f"tcp://127.0.0.1:{free_port()}"
    cmd = [
        *CLI, "robot", "serve", "--driver", "physics", "--listen", address,
        "--key-file", str(key_file), "--log", str(log), "--quiet",
        "--driver-option", f"rate={rate}", *extra,
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    served = Served(proc, address, key_file, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"robot server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            client = RobotClient(address, served.key, role="observe", connect_timeout=0.5)
            client.connect()
            client.disconnect()
            return served
        except RobotError:
            time.sleep(0.2)
    served.stop()
    raise RuntimeError("robot server did not answer within 30 s")


class Proxy:
    """Forwards a loopback TCP port to another; ``mode`` injects faults.

    Modes: ``pass``; ``delay`` (each chunk waits ``delay`` seconds); ``partition`` (bytes are
    swallowed silently, connections stay open); ``drop`` (every connection is reset and new ones
    are refused).
    """

    def __init__(self, target_port: int, delay: float = 0.0) -> None:
        self.target_port = target_port
        self.delay = delay
        self.mode = "pass"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self._conns: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        if mode == "drop":
            for c in list(self._conns):
                try:
                    c.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    c.close()
                except OSError:
                    pass

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self.set_mode("drop")

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "drop":
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while not self._closed and self.mode != "drop":
                ready, _, _ = select.select([a, b], [], [], 0.05)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    if self.mode == "partition":
                        continue
                    if self.mode == "delay" and self.delay:
                        time.sleep(self.delay)
                    peers[s].sendall(data)
        except OSError:
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}
