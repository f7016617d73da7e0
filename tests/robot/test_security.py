"""Authentication, replay and forgery against a robot server running as its own process."""

from __future__ import annotations

import secrets
import time
from typing import Any

import msgpack
import pytest
import zmq

from codepolicy.robot import protocol
from codepolicy.robot.client import RobotClient
from codepolicy.robot.errors import RobotAuthError, RobotRefused
from codepolicy.robot.log import read_log
from codepolicy.robot.server import INSECURE_KEY
from tests.robot.helpers import Served

pytestmark = pytest.mark.timeout(60)


class RawClient:
    """A hand-made client that can replay and forge messages."""

    def __init__(self, address: str, key: bytes) -> None:
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(address)
        self.key = key
        self.sid: bytes | None = None

    def send_frames(self, frames: list[bytes]) -> dict[str, Any]:
        self.sock.send_multipart(frames)
        assert self.sock.poll(5000), "server did not answer"
        reply = self.sock.recv_multipart()
        return msgpack.unpackb(reply[0], raw=False)

    def seal(
        self, op: str, seq: int, args: dict[str, Any] | None = None, ch: int = 0
    ) -> list[bytes]:
        msg = {"v": 1, "sid": self.sid, "ch": ch, "seq": seq, "op": op, "a": args or {}}
        return protocol.seal(self.key, protocol.CLIENT, msg)

    def hello(self, role: str = "observe") -> list[bytes]:
        args = {"nonce": secrets.token_bytes(16), "ts": time.time(), "role": role, "client": "raw"}
        frames = self.seal("hello", 0, args)
        reply = self.send_frames(frames)
        assert reply["ok"], reply
        self.sid = reply["r"]["session"]
        return frames

    def close(self) -> None:
        self.sock.close()
        self.ctx.term()


def test_wrong_key_gets_only_a_refusal(server: Served) -> None:
    with pytest.raises(RobotAuthError, match="refused us: message authentication failed"):
        RobotClient(server.address, secrets.token_bytes(32), role="observe").connect()


def test_client_without_a_key_is_refused(server: Served) -> None:
    with pytest.raises(RobotAuthError, match="check --key-file"):
        RobotClient(server.address, INSECURE_KEY, role="observe").connect()


def test_refusal_carries_no_data(server: Served) -> None:
    raw = RawClient(server.address, secrets.token_bytes(32))
    try:
        reply = raw.send_frames(raw.seal("state", 1))
        assert reply == {"v": 1, "ok": False, "err": reply["err"]}
        assert reply["err"]["code"] == "auth"
    finally:
        raw.close()


def test_replayed_command_is_refused(server: Served) -> None:
    raw = RawClient(server.address, server.key)
    try:
        raw.hello()
        frames = raw.seal("state", 1)
        assert raw.send_frames(frames)["ok"]
        replayed = raw.send_frames(frames)
        assert not replayed["ok"] and replayed["err"]["code"] == "replay"
        older = raw.send_frames(raw.seal("state", 1))
        assert older["err"]["code"] == "replay"
        assert raw.send_frames(raw.seal("state", 2))["ok"]
    finally:
        raw.close()


def test_replayed_hello_is_refused(server: Served) -> None:
    raw = RawClient(server.address, server.key)
    try:
        frames = raw.hello()
        again = raw.send_frames(frames)
        assert again["err"]["code"] == "replay"
        old = {"nonce": secrets.token_bytes(16), "ts": time.time() - 3600, "role": "observe"}
        msg = {"v": 1, "sid": None, "ch": 0, "seq": 0, "op": "hello", "a": old}
        stale = raw.send_frames(protocol.seal(server.key, protocol.CLIENT, msg))
        assert stale["err"]["code"] == "replay"
    finally:
        raw.close()


def test_forged_message_is_refused(server: Served) -> None:
    raw = RawClient(server.address, server.key)
    try:
        raw.hello(role="observe")
        payload, tag = raw.seal("state", 1)
        tampered = payload.replace(b"state", b"stop\x00")
        assert raw.send_frames([tampered, tag])["err"]["code"] == "auth"
        flipped = bytes([tag[0] ^ 1]) + tag[1:]
        assert raw.send_frames([payload, flipped])["err"]["code"] == "auth"
        assert raw.send_frames([payload])["err"]["code"] == "auth"
        other = {"v": 1, "sid": secrets.token_bytes(16), "ch": 0, "seq": 5, "op": "state", "a": {}}
        unknown = raw.send_frames(protocol.seal(server.key, protocol.CLIENT, other))
        assert unknown["err"]["code"] == "expired"
    finally:
        raw.close()
    records = read_log(server.log)
    assert any(r["event"] == "refused" and "authentication" in r["reason"] for r in records)


def test_reply_from_a_forger_is_rejected_by_the_client() -> None:
    ctx = zmq.Context()
    fake = ctx.socket(zmq.ROUTER)
    port = fake.bind_to_random_port("tcp://127.0.0.1")
    client = RobotClient(f"tcp://127.0.0.1:{port}", bytes(32), connect_timeout=3.0)
    import threading

    def forge() -> None:
        rid, payload, _ = fake.recv_multipart()
        hello = msgpack.unpackb(payload, raw=False)
        reply = {"v": 1, "sid": b"x" * 16, "ch": 0, "re": 0, "ok": True,
                 "r": {"session": b"x" * 16, "nonce": hello["a"]["nonce"]}}  # fmt: skip
        fake.send_multipart([rid, *protocol.seal(secrets.token_bytes(32), protocol.SERVER, reply)])

    t = threading.Thread(target=forge)
    t.start()
    try:
        with pytest.raises(RobotAuthError, match="failed its authentication check"):
            client.connect()
    finally:
        t.join(5)
        fake.close(0)
        ctx.term()


def test_one_controller_others_read_only(server: Served) -> None:
    with RobotClient(server.address, server.key, role="control", name="first") as first:
        with pytest.raises(RobotRefused, match="controlled by another client \\(first\\)"):
            RobotClient(server.address, server.key, role="control").connect()
        with RobotClient(server.address, server.key, role="observe") as watcher:
            assert "tcp" in watcher.request("state")
            with pytest.raises(RobotRefused, match="read-only"):
                watcher.request("move_tcp", {"target": [0.0, -0.5, 0.3], "speed": 0.5})
        first.request("wait", {"seconds": 0.1})
    with RobotClient(server.address, server.key, role="control", name="second") as second:
        second.request("wait", {"seconds": 0.1})
