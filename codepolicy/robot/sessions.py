"""Who is talking to the robot server: authenticated sessions, control, replay checks, liveness.

A session starts with ``hello`` (fresh nonce, recent timestamp) and then every message must carry
its session id and a sequence number above the last one on its channel, from the connection that
first used that channel. At most one session holds control. The table also remembers which TCP
connection (file descriptor) carried each ZeroMQ routing id, so a closed connection ends its
sessions at once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from codepolicy.robot import protocol
from codepolicy.robot.protocol import ReplayGuard


class Refused(Exception):
    """A message is refused: ``code`` and a sentence for the client."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Session:
    """One authenticated client."""

    sid: bytes
    role: str
    client: str
    guard: ReplayGuard = field(default_factory=ReplayGuard)
    rids: dict[int, bytes] = field(default_factory=dict)
    last_heard: float = field(default_factory=time.monotonic)
    in_flight: bool = False


class Sessions:
    """The server's session table."""

    def __init__(self) -> None:
        self.by_id: dict[bytes, Session] = {}
        self.controller: bytes | None = None
        self._nonces: dict[bytes, float] = {}
        self._fds: dict[int, set[bytes]] = {}

    def is_controller(self, session: Session) -> bool:
        """Whether ``session`` holds control."""
        return session.sid == self.controller

    def open(self, rid: bytes, args: dict[str, Any]) -> Session:
        """A new session for a verified ``hello``.

        Raises:
            Refused: malformed, stale or replayed hello; control already taken.
        """
        nonce, ts, role = args.get("nonce"), args.get("ts"), args.get("role", "control")
        now = time.time()
        window = protocol.HELLO_WINDOW
        self._nonces = {n: t for n, t in self._nonces.items() if now - t < 2 * window}
        if not isinstance(nonce, bytes) or len(nonce) < 16 or not isinstance(ts, (int, float)):
            raise Refused(protocol.E_BAD, "hello needs a 16-byte nonce and a timestamp")
        if abs(now - ts) > window or nonce in self._nonces:
            raise Refused(protocol.E_REPLAY, "stale or replayed hello refused (check both clocks)")
        self._nonces[nonce] = now
        if role not in ("control", "observe"):
            raise Refused(protocol.E_BAD, f"role must be control or observe, got {role!r}")
        if role == "control" and self.controller is not None:
            other = self.by_id[self.controller].client
            raise Refused(
                protocol.E_BUSY,
                f"the robot is controlled by another client ({other}); connect read-only or wait",
            )
        session = Session(secrets.token_bytes(16), role, str(args.get("client", "?"))[:100])
        session.rids[protocol.COMMAND] = rid
        self.by_id[session.sid] = session
        if role == "control":
            self.controller = session.sid
        return session

    def check(self, rid: bytes, msg: dict[str, Any]) -> Session:
        """The session of an authenticated message, after the replay and connection checks.

        Raises:
            Refused: unknown session, replayed sequence number, channel of another connection.
        """
        sid = msg.get("sid")
        session = self.by_id.get(sid) if isinstance(sid, bytes) else None
        if session is None:
            raise Refused(protocol.E_EXPIRED, "unknown or expired session; connect again")
        ch, seq = msg.get("ch"), msg.get("seq")
        if not isinstance(ch, int) or not isinstance(seq, int) or not session.guard.accept(ch, seq):
            raise Refused(
                protocol.E_REPLAY,
                f"message seq {seq!r} on channel {ch!r} was already used (replay refused)",
            )
        if session.rids.setdefault(ch, rid) != rid:
            raise Refused(protocol.E_AUTH, "this session channel belongs to another connection")
        session.last_heard = time.monotonic()
        return session

    def end(self, session: Session) -> bool:
        """Forget ``session``; True if it held control."""
        self.by_id.pop(session.sid, None)
        if session.sid == self.controller:
            self.controller = None
            return True
        return False

    def silent(self, timeout: float) -> list[Session]:
        """Sessions that sent nothing for ``timeout`` seconds."""
        now = time.monotonic()
        return [s for s in self.by_id.values() if now - s.last_heard > timeout]

    def track(self, rid: bytes, fd: int) -> None:
        """Remember that routing id ``rid`` arrived on connection ``fd``."""
        self._fds.setdefault(fd, set()).add(rid)

    def is_tracked(self, rid: bytes) -> bool:
        """Whether a message of routing id ``rid`` was seen on a connection still open."""
        return any(rid in rids for rids in self._fds.values())

    def disconnected(self, fd: int) -> list[Session]:
        """Sessions that used the connection ``fd``, which just closed."""
        gone = self._fds.pop(fd, set())
        return [s for s in self.by_id.values() if gone & set(s.rids.values())]
