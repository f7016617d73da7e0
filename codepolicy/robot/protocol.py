"""The robot wire protocol, version 1: msgpack messages over ZeroMQ, each with an HMAC-SHA256.

Every message is two ZeroMQ frames: a msgpack map (the payload) and its MAC,
``HMAC-SHA256(key, TAG + direction + payload)``, where the direction byte (``>`` client to server,
``<`` server to client) stops a request from being reflected back as a reply.

A request carries ``v`` (protocol version), ``sid`` (session id, ``None`` for ``hello``), ``ch``
(channel: 0 commands, 1 heartbeats), ``seq`` (strictly increasing per session and channel),
``op`` and ``a`` (arguments). A reply carries ``v``, ``sid``, ``ch``, ``re`` (the ``seq`` it
answers), ``ok`` and either ``r`` (result) or ``err`` (``code``, ``message``).

Replay protection: a session starts with ``hello``, which carries a fresh client nonce and a
timestamp (refused if it is more than :data:`HELLO_WINDOW` seconds off, or its nonce was seen),
and the server answers with a random session id bound to that nonce. Within a session, a message
whose ``seq`` is not above the last one on its channel is refused, and a session id from an earlier
server run is unknown. Why ZeroMQ and msgpack: ZeroMQ's ROUTER socket tells the server which
connection each message came from and (with its socket monitor) when one drops, which is what
"one controlling client" and a disconnect watchdog need; pyzmq ships libzmq in its wheels, and with
msgpack there is no schema compiler, and a round trip over loopback costs tens of microseconds.

Example:
    >>> key = bytes(32)
    >>> frames = seal(key, CLIENT, {"v": 1, "op": "state"})
    >>> open_frames(key, CLIENT, frames)["op"]
    'state'
    >>> open_frames(bytes([1]) * 32, CLIENT, frames)
    Traceback (most recent call last):
    ...
    codepolicy.robot.protocol.BadMessage: message authentication failed (wrong key or forged message)
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import msgpack

PROTOCOL_VERSION = 1
TAG = b"codepolicy-robot/1"
CLIENT = b">"
"""Direction byte of client-to-server messages."""
SERVER = b"<"
"""Direction byte of server-to-client messages."""
HELLO_WINDOW = 30.0
"""Largest clock difference (s) between a ``hello`` and the server."""
CHANNELS = (0, 1)
COMMAND, HEARTBEAT = CHANNELS
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

MOTION_OPS = frozenset({"move_tcp", "set_gripper", "wait", "reset", "release"})
"""Operations that move the robot or change the scene: controlling session only."""
DRIVER_OPS = frozenset({"move_tcp", "set_gripper", "wait", "reset", "observe", "render"})
"""Operations the driver thread executes (in order, one at a time)."""
READ_OPS = frozenset({"state", "ping", "stop", "bye", "info"})
"""Operations any authenticated session may send, answered at once by the server."""

# Error codes of replies.
E_AUTH, E_REPLAY, E_VERSION, E_BAD = "auth", "replay", "version", "bad_request"
E_BUSY, E_READ_ONLY, E_LIMIT, E_ESTOP = "busy", "read_only", "limit", "estop"
E_EXPIRED, E_UNSUPPORTED, E_DRIVER = "expired", "unsupported", "driver"


class BadMessage(ValueError):
    """A message that fails its MAC, does not decode, or lacks a field."""


def mac(key: bytes, direction: bytes, payload: bytes) -> bytes:
    """The MAC of one payload travelling in ``direction``."""
    return hmac.new(key, TAG + direction + payload, hashlib.sha256).digest()


def seal(key: bytes, direction: bytes, message: dict[str, Any]) -> list[bytes]:
    """Encode and authenticate a message: the two frames to send."""
    payload = msgpack.packb(message, use_bin_type=True)
    return [payload, mac(key, direction, payload)]


def decode_unverified(frames: list[bytes]) -> dict[str, Any]:
    """Decode a payload without checking its MAC (only to read a refusal sent without one)."""
    if not frames or len(frames[0]) > MAX_MESSAGE_BYTES:
        raise BadMessage("empty or oversized message")
    try:
        message = msgpack.unpackb(frames[0], raw=False, strict_map_key=True)
    except Exception as exc:
        raise BadMessage(f"message does not decode as msgpack: {exc}") from None
    if not isinstance(message, dict):
        raise BadMessage("message is not a map")
    return message


def open_frames(key: bytes, direction: bytes, frames: list[bytes]) -> dict[str, Any]:
    """Verify and decode a received message.

    Raises:
        BadMessage: wrong number of frames, bad MAC, not msgpack, not a map.
    """
    if len(frames) != 2:
        raise BadMessage(f"expected 2 frames (payload, MAC), got {len(frames)}")
    payload, tag = frames
    if len(payload) > MAX_MESSAGE_BYTES:
        raise BadMessage("message too large")
    if not hmac.compare_digest(mac(key, direction, payload), tag):
        raise BadMessage("message authentication failed (wrong key or forged message)")
    return decode_unverified(frames)


def refusal(code: str, message: str) -> list[bytes]:
    """An unauthenticated refusal, for senders whose MAC did not verify (they get nothing else)."""
    payload = msgpack.packb(
        {"v": PROTOCOL_VERSION, "ok": False, "err": {"code": code, "message": message}},
        use_bin_type=True,
    )
    return [payload, b""]


class ReplayGuard:
    """Per-channel sequence numbers of one session: each must exceed the last one seen."""

    def __init__(self) -> None:
        self._last = dict.fromkeys(CHANNELS, 0)

    def accept(self, channel: int, seq: int) -> bool:
        """Record ``seq`` on ``channel`` if it is new; False for a replayed or reordered one."""
        if channel not in self._last or seq <= self._last[channel]:
            return False
        self._last[channel] = seq
        return True
