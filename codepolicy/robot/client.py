"""The client end of the robot protocol: a session with request/reply and background heartbeats.

Commands go over one ZeroMQ DEALER socket from the calling thread; a heartbeat thread pings on a
second socket of the same session every ``heartbeat_interval`` seconds. A request waits for its
reply for as long as the heartbeats are answered (a move may take many seconds), and fails with
:class:`~codepolicy.robot.errors.RobotLinkLost` once no heartbeat reply arrived for
``link_timeout`` seconds — never a hang. Every reply's MAC, session id and sequence number are
checked, so a forged or replayed reply is refused too.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from types import TracebackType
from typing import Any

import zmq

from codepolicy.robot import protocol
from codepolicy.robot.errors import (
    RobotAuthError,
    RobotError,
    RobotLinkLost,
    RobotProtocolError,
    RobotRefused,
)
from codepolicy.robot.protocol import CLIENT, COMMAND, HEARTBEAT, PROTOCOL_VERSION, SERVER

REFUSED_CODES = frozenset(
    {protocol.E_LIMIT, protocol.E_ESTOP, protocol.E_READ_ONLY, protocol.E_BUSY, "halted"}
)


class RobotClient:
    """One session with a robot server.

    Args:
        address: Server endpoint, e.g. ``tcp://127.0.0.1:5555``.
        key: The shared secret.
        role: ``"control"`` (needs the robot to be free) or ``"observe"`` (read-only).
        name: Shown in the server's log.
        connect_timeout: Longest wait for the server's answer to ``hello``, s.
        link_timeout: Heartbeat silence after which the link counts as lost, s.
        heartbeat_interval: Time between heartbeats, s.
    """

    def __init__(
        self,
        address: str,
        key: bytes,
        *,
        role: str = "control",
        name: str = "codepolicy",
        connect_timeout: float = 5.0,
        link_timeout: float = 2.0,
        heartbeat_interval: float = 0.1,
    ) -> None:
        self.address, self.key, self.role, self.name = address, key, role, name
        self.connect_timeout = connect_timeout
        self.link_timeout = link_timeout
        self.heartbeat_interval = heartbeat_interval
        self.info: dict[str, Any] = {}
        self.last_reply: dict[str, Any] = {}
        self._ctx: zmq.Context[Any] | None = None
        self._sock: zmq.Socket[Any] | None = None
        self._sid: bytes | None = None
        self._seq = 0
        self._lock = threading.Lock()
        self._last_pong = 0.0
        self._lost: str | None = None
        self._hb_stop = threading.Event()
        self._hb_thread: threading.Thread | None = None
        self.server_estop = False

    # ------------------------------------------------------------------ lifecycle
    @property
    def is_connected(self) -> bool:
        """Whether the session is up and its heartbeats are answered."""
        return self._sid is not None and self._lost is None and not self._stale()

    def connect(self) -> None:
        """Open the session (``hello``) and start heartbeats.

        Raises:
            RobotAuthError: the server refused our key.
            RobotRefused: the robot is controlled by another client (role control).
            RobotLinkLost: no answer within ``connect_timeout``.
        """
        if self._sid is not None:
            return
        self._ctx = zmq.Context()
        self._sock = self._socket()
        nonce = secrets.token_bytes(16)
        args = {"nonce": nonce, "ts": time.time(), "role": self.role, "client": self.name}
        message = {"v": PROTOCOL_VERSION, "sid": None, "ch": COMMAND, "seq": 0, "op": "hello"}
        self._sock.send_multipart(protocol.seal(self.key, CLIENT, {**message, "a": args}))
        try:
            reply = self._await(self._sock, None, 0, self.connect_timeout)
        except BaseException:
            self._teardown()
            raise
        result = reply.get("r") or {}
        if not reply.get("ok"):
            self._teardown()
            raise _error(reply, "hello")
        if result.get("nonce") != nonce or not isinstance(result.get("session"), bytes):
            self._teardown()
            raise RobotProtocolError("the server's answer to hello does not match our nonce")
        self._sid, self.info = result["session"], result
        self._last_pong, self._lost = time.monotonic(), None
        self._hb_stop.clear()
        self._hb_thread = threading.Thread(
            target=self._heartbeat, name="robot-heartbeat", daemon=True
        )
        self._hb_thread.start()

    def disconnect(self) -> None:
        """Say goodbye (best effort) and close; safe to call twice."""
        if self._sid is not None and self._lost is None and self._sock is not None:
            with contextlib.suppress(RobotError, zmq.ZMQError), self._lock:
                seq = self._send(self._sock, COMMAND, "bye", {})
                self._await(self._sock, self._sid, seq, 0.5)
        self._teardown()

    def __enter__(self) -> RobotClient:
        self.connect()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.disconnect()

    # ------------------------------------------------------------------ requests
    def request(
        self, op: str, args: dict[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send one command and return its result.

        Raises:
            RobotRefused: the server refused it (limits, e-stop, read-only, halted).
            RobotLinkLost: the link was lost before the reply.
            RobotError: any other refusal, with the server's sentence.
        """
        if self._sid is None or self._sock is None:
            raise RobotLinkLost(f"not connected to the robot at {self.address}")
        if self._lost is not None:
            raise RobotLinkLost(self._lost)
        with self._lock:
            seq = self._send(self._sock, COMMAND, op, args or {})
            reply = self._await(self._sock, self._sid, seq, timeout)
        self.last_reply = reply
        if not reply.get("ok"):
            raise _error(reply, op)
        result: dict[str, Any] = reply.get("r") or {}
        return result

    def _socket(self) -> zmq.Socket[Any]:
        assert self._ctx is not None
        sock = self._ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(self.address)
        return sock

    def _send(self, sock: zmq.Socket[Any], channel: int, op: str, args: dict[str, Any]) -> int:
        self._seq += 1
        seq = self._seq
        message = {
            "v": PROTOCOL_VERSION,
            "sid": self._sid,
            "ch": channel,
            "seq": seq,
            "op": op,
            "a": args,
        }
        sock.send_multipart(protocol.seal(self.key, CLIENT, message))
        return seq

    def _await(
        self, sock: zmq.Socket[Any], sid: bytes | None, seq: int, timeout: float | None
    ) -> dict[str, Any]:
        """The verified reply to ``seq``; stale replies (of timed-out requests) are skipped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if sock.poll(20):
                frames = sock.recv_multipart()
                reply = self._verify(frames)
                if reply.get("re") == seq and (sid is None or reply.get("sid") in (sid, None)):
                    return reply
                continue
            if deadline is not None and time.monotonic() > deadline:
                self._lost = (
                    f"no reply from the robot server at {self.address} within {timeout:.1f} s"
                )
                raise RobotLinkLost(self._lost)
            if sid is not None and (self._lost is not None or self._stale()):
                self._lost = self._lost or (
                    f"lost the link to the robot server at {self.address}: no heartbeat reply for "
                    f"{self.link_timeout:.1f} s"
                )
                raise RobotLinkLost(self._lost)

    def _verify(self, frames: list[bytes]) -> dict[str, Any]:
        try:
            return protocol.open_frames(self.key, SERVER, frames)
        except protocol.BadMessage:
            pass
        try:
            unverified = protocol.decode_unverified(frames)
        except protocol.BadMessage as exc:
            raise RobotProtocolError(f"unreadable reply from the robot server: {exc}") from None
        err = unverified.get("err") or {}
        if err.get("code") == protocol.E_AUTH:
            raise RobotAuthError(
                f"the robot server at {self.address} refused us: {err.get('message')} "
                "(check --key-file: it must hold the server's key)"
            )
        raise RobotAuthError("a reply failed its authentication check (wrong key or forged reply)")

    def _stale(self) -> bool:
        return time.monotonic() - self._last_pong > self.link_timeout

    # ------------------------------------------------------------------ heartbeats
    def _heartbeat(self) -> None:
        sock = self._socket()
        seq = 0
        try:
            while not self._hb_stop.wait(self.heartbeat_interval):
                seq += 1
                message: dict[str, Any] = {
                    "v": PROTOCOL_VERSION,
                    "sid": self._sid,
                    "ch": HEARTBEAT,
                    "seq": seq,
                    "op": "ping",
                    "a": {},
                }
                sock.send_multipart(protocol.seal(self.key, CLIENT, message))
                while sock.poll(0):
                    try:
                        reply = protocol.open_frames(self.key, SERVER, sock.recv_multipart())
                    except protocol.BadMessage:
                        continue
                    if reply.get("ok"):
                        self._last_pong = time.monotonic()
                        self.server_estop = bool((reply.get("r") or {}).get("estop"))
                    elif (reply.get("err") or {}).get("code") == protocol.E_EXPIRED:
                        self._lost = "the robot server ended our session (expired or restarted)"
        finally:
            sock.close()

    def _teardown(self) -> None:
        self._hb_stop.set()
        if self._hb_thread is not None:
            self._hb_thread.join(1.0)
            self._hb_thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._ctx is not None:
            self._ctx.term()
            self._ctx = None
        self._sid = None


def _error(reply: dict[str, Any], op: str) -> RobotError:
    err = reply.get("err") or {}
    code, message = str(err.get("code", "?")), str(err.get("message", "no reason given"))
    if code in REFUSED_CODES:
        return RobotRefused(f"the robot refused {op}: {message}", reason=code)
    if code == protocol.E_EXPIRED:
        return RobotLinkLost(f"the robot server ended our session: {message}")
    if code == protocol.E_AUTH:
        return RobotAuthError(f"the robot server refused {op}: {message}")
    return RobotError(f"the robot server refused {op} ({code}): {message}")
