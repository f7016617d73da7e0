"""Remote robot path: per-command overhead over loopback, and halt latency.

Run: ``.venv/bin/python benchmarks/robot_remote.py [--repeats N]``.
A robot server (physics driver) runs as its own process. Per-command overhead is the median time of
the same command through ``RemoteBackend`` minus through a local ``PhysicsBackend``, measured
interleaved in one run (goal <= 2 ms). Halt latency is the time from killing a client mid-motion
(and from an e-stop) until the server reports the arm holding still (goal <= 200 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import msgpack
import zmq

from codepolicy.envs.physics import PhysicsBackend
from codepolicy.robot import protocol
from codepolicy.robot.client import RobotClient
from codepolicy.robot.errors import RobotError
from codepolicy.robot.keys import read_key_file, write_key_file
from codepolicy.robot.remote import RemoteBackend
from codepolicy.runner.episode import spawns
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode

CLI = [sys.executable, "-m", "codepolicy"]
CLIENT = """
import sys
from codepolicy.robot.client import RobotClient
from codepolicy.robot.keys import read_key_file
client = RobotClient(sys.argv[1], read_key_file(sys.argv[2]))
client.connect()
client.request("move_tcp", {"target": [0.0, -0.5, 0.35], "speed": 1.0})
print("moving", flush=True)
client.request("move_tcp", {"target": [0.25, -0.7, 0.1], "speed": 0.05})
"""


def start_server(tmp: Path, rate: float) -> tuple[subprocess.Popen[bytes], str, Path, Path]:
    key = tmp / "robot.key"
    if not key.exists():
        write_key_file(key)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address, log = f"tcp://127.0.0.1:{port}", tmp / f"log-{rate}.jsonl"
    proc = subprocess.Popen(
        [*CLI, "robot", "serve", "--driver", "physics", "--listen", address, "--key-file", str(key),
         "--log", str(log), "--quiet", "--driver-option", f"rate={rate}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(150):
        try:
            RobotClient(address, read_key_file(key), role="observe", connect_timeout=0.3).connect()
            return proc, address, key, log
        except RobotError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("robot server did not start")


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def overhead(address: str, key: Path, repeats: int, log: Path) -> None:
    local = PhysicsBackend()
    with RemoteBackend(address, read_key_file(key)) as remote:
        episode = sample_episode(get_scenario("stack-blocks"), seed=0)
        for backend in (local, remote):
            backend.reset(spawns(episode), seed=0)
            backend.move_tcp((0.0, -0.5, 0.3), speed=1.0)
        toggle = {"local": 0, "remote": 0}

        def move(backend: PhysicsBackend | RemoteBackend, who: str) -> Callable[[], object]:
            def go() -> object:
                toggle[who] ^= 1
                return backend.move_tcp((0.0, -0.5 + 0.01 * toggle[who], 0.3), speed=1.0)

            return go

        cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
            "wait(0)": (lambda: local.wait(0.0), lambda: remote.wait(0.0)),
            "observe()": (local.observe, remote.observe),
            "move_tcp 1 cm": (move(local, "local"), move(remote, "remote")),
        }
        print(f"{'command':<16}{'local ms':>10}{'remote ms':>11}{'overhead ms':>13}{'p95 ovh':>9}")
        for name, (run_local, run_remote) in cases.items():
            lo, re_ = [], []
            for _ in range(repeats):
                lo += timed(run_local, 5)
                re_ += timed(run_remote, 5)
            ml, mr = statistics.median(lo), statistics.median(re_)
            p95 = statistics.quantiles(re_, n=20)[-1] - statistics.quantiles(lo, n=20)[-1]
            print(f"{name:<16}{ml:>10.3f}{mr:>11.3f}{mr - ml:>13.3f}{p95:>9.3f}")
        moves = [json.loads(line) for line in log.read_text().splitlines() if '"move_tcp"' in line]
        served = statistics.median(m["duration"] * 1000 for m in moves[-5 * repeats :])
        print(f"{'':<16}(move_tcp inside the server process: median {served:.3f} ms)")
        robot_state = timed(remote.robot_state, 50 * repeats)
        print(f"{'robot_state()':<16}{'-':>10}{statistics.median(robot_state):>11.3f}"
              f"{statistics.median(robot_state):>13.3f}  (remote round trip, no driver work)")  # fmt: skip
    local.close()


def halt_latency(address: str, key: Path, log: Path, repeats: int) -> None:
    kills, stops = [], []
    for _ in range(repeats):
        proc = subprocess.Popen(
            [sys.executable, "-c", CLIENT, address, str(key)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "moving"
        time.sleep(0.5)
        killed = time.time()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)
        halts = [json.loads(line) for line in log.read_text().splitlines() if '"halt"' in line]
        kills.append((halts[-1]["held_wall"] - killed) * 1000)
    for _ in range(repeats):
        secret = read_key_file(key)
        with (
            RobotClient(address, secret) as mover,
            RobotClient(address, secret, role="observe") as stopper,
        ):
            slow = {"target": [0.25, -0.7, 0.1], "speed": 0.05}
            moving = threading.Thread(target=_ignore, args=(mover.request, "move_tcp", slow))
            moving.start()
            time.sleep(0.5)
            t0 = time.perf_counter()
            result = stopper.request("stop", timeout=5)
            stops.append(((time.perf_counter() - t0) * 1000, result["latency_ms"]))
            moving.join(5)
        with RobotClient(address, secret) as releaser:
            releaser.request("release")
    silent = []
    for _ in range(repeats):
        silent.append(_silent_client(address, read_key_file(key), log))
    print(f"halt after a client goes silent (partition; default --heartbeat-timeout 1.0 s): median "
          f"{statistics.median(silent):.1f} ms, max {max(silent):.1f} ms")  # fmt: skip
    print(f"halt after killing the client mid-motion: median {statistics.median(kills):.1f} ms, "
          f"max {max(kills):.1f} ms over {repeats} (goal <= 200 ms)")  # fmt: skip
    sent = [s[0] for s in stops]
    server = statistics.median(s[1] for s in stops)
    print(f"e-stop (send 'stop' until the reply 'stopped'): median {statistics.median(sent):.1f} ms, "
          f"max {max(sent):.1f} ms; server halt {server:.1f} ms")  # fmt: skip


def _silent_client(address: str, key: bytes, log: Path) -> float:
    """Start a slow move from a client that then sends nothing; ms from its last message to held."""
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(address)
    hello = {"nonce": secrets.token_bytes(16), "ts": time.time(), "role": "control"}
    sock.send_multipart(
        protocol.seal(
            key,
            protocol.CLIENT,
            {"v": 1, "sid": None, "ch": 0, "seq": 0, "op": "hello", "a": hello},
        )
    )
    sid = msgpack.unpackb(sock.recv_multipart()[0])["r"]["session"]
    move = {"target": [0.25, -0.7, 0.1], "speed": 0.05}
    sock.send_multipart(
        protocol.seal(
            key,
            protocol.CLIENT,
            {"v": 1, "sid": sid, "ch": 0, "seq": 1, "op": "move_tcp", "a": move},
        )
    )
    last = time.time()
    sock.poll(5000)
    sock.recv_multipart()
    time.sleep(0.2)
    halts = [json.loads(line) for line in log.read_text().splitlines() if '"halt"' in line]
    sock.close()
    ctx.term()
    return float((halts[-1]["held_wall"] - last) * 1000)


def _ignore(fn: Callable[..., object], *args: object) -> None:
    with contextlib.suppress(RobotError):
        fn(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, address, key, log = start_server(Path(tmp), rate=0.0)
        try:
            overhead(address, key, args.repeats, log)
        finally:
            proc.terminate()
            proc.wait(10)
        proc, address, key, log = start_server(Path(tmp), rate=1.0)
        try:
            halt_latency(address, key, log, max(3, args.repeats // 4))
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
