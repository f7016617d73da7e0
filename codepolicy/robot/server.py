"""The robot server: serves one driver's robot over ZeroMQ to authenticated clients.

One network thread (this module) authenticates every message, keeps the sessions, answers state
and heartbeat requests at once and runs the watchdog; the driver thread
(:mod:`codepolicy.robot.executor`) executes commands one at a time. One session at a time holds
control; others are read-only (state, heartbeats, e-stop). The watchdog halts the robot (stop the
motion, hold position, open nothing) when the controlling client disconnects (seen at once through
the socket monitor) or sends nothing for ``heartbeat_timeout`` seconds. ``stop`` from any session
latches an e-stop: motions are refused until a controlling client sends ``release``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from typing import Any

import zmq
from zmq.utils.monitor import recv_monitor_message

from codepolicy.robot import commands, protocol
from codepolicy.robot.commands import Refusal
from codepolicy.robot.driver import RobotDriver
from codepolicy.robot.executor import DriverExecutor, Job
from codepolicy.robot.halts import Halts
from codepolicy.robot.limits import RobotLimits
from codepolicy.robot.log import CommandLog
from codepolicy.robot.protocol import PROTOCOL_VERSION, SERVER
from codepolicy.robot.sessions import Refused, Session, Sessions

INSECURE_KEY = b"codepolicy-insecure-localhost-key"
"""The publicly known key of ``--insecure-localhost`` (loopback only; no real authentication)."""


class ServerError(RuntimeError):
    """The server cannot start with this configuration; the message says why."""


def check_limits(driver: RobotDriver, limits: RobotLimits) -> None:
    """Refuse limits the driver cannot honour (its fixed acceleration or gripper force exceed them)."""
    info = driver.info
    if info.fixed_accel is not None and info.fixed_accel > limits.max_accel:
        raise ServerError(
            f"the {driver.name} driver always accelerates at {info.fixed_accel} m/s^2, above "
            f"--max-accel {limits.max_accel}; raise the limit or use a driver that can go slower"
        )
    if info.fixed_gripper_force is not None and info.fixed_gripper_force > limits.max_gripper_force:
        raise ServerError(
            f"the {driver.name} driver always grips with {info.fixed_gripper_force} N, above "
            f"--max-force {limits.max_gripper_force}"
        )


class RobotServer:
    """Serves ``driver`` at ``address`` (e.g. ``tcp://127.0.0.1:5555``).

    Args:
        driver: The arm; the server owns it from now on and closes it.
        key: The shared secret (``INSECURE_KEY`` for ``--insecure-localhost``).
        address: ZeroMQ endpoint to bind.
        limits: The robot's limits, enforced on every command.
        heartbeat_timeout: Silence (s) after which the controlling session is dropped and the robot
            halted.
        log: Where commands are recorded.
    """

    def __init__(
        self,
        driver: RobotDriver,
        key: bytes,
        address: str,
        *,
        limits: RobotLimits | None = None,
        heartbeat_timeout: float = 1.0,
        log: CommandLog | None = None,
    ) -> None:
        self.driver = driver
        self.limits = limits or RobotLimits()
        check_limits(driver, self.limits)
        self.key = key
        self.heartbeat_timeout = heartbeat_timeout
        self.log = log or CommandLog(None, None)
        self.sessions = Sessions()
        self.estop = False
        self._done: deque[Job] = deque()
        self._wake_r, self._wake_w = os.pipe()
        self.halts = Halts()
        self._closed = threading.Event()
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.ROUTER)
        self.sock.setsockopt(zmq.LINGER, 0)
        try:
            self.sock.bind(address)
        except zmq.ZMQError as exc:
            self.sock.close()
            self.ctx.term()
            raise ServerError(f"cannot listen on {address}: {exc}") from None
        self.address = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self.monitor = self.sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.executor = DriverExecutor(driver, self._job_done)

    # ------------------------------------------------------------------ main loop
    def serve(self, stop: threading.Event | None = None) -> None:
        """Serve until ``stop`` is set (or :meth:`shutdown` is called), then close."""
        poller = zmq.Poller()
        poller.register(self.sock, zmq.POLLIN)
        poller.register(self._wake_r, zmq.POLLIN)
        poller.register(self.monitor, zmq.POLLIN)
        self.log.write("serving", address=self.address, driver=self.driver.name)
        try:
            while not self._closed.is_set() and not (stop is not None and stop.is_set()):
                ready = dict(poller.poll(50))
                if self._wake_r in ready:
                    os.read(self._wake_r, 4096)
                while self._done:
                    self._finish(self._done.popleft())
                if self.sock in ready:
                    for _ in range(64):
                        try:
                            parts = self.sock.recv_multipart(zmq.NOBLOCK, copy=False)
                        except zmq.Again:
                            break
                        self._track(parts)
                        self._receive([p.bytes for p in parts])
                if self.monitor in ready:
                    self._disconnects()
                self._watchdog()
        finally:
            self.close()

    def shutdown(self) -> None:
        """Ask :meth:`serve` to return."""
        self._closed.set()

    def close(self) -> None:
        """Halt the robot, close the driver and the socket."""
        self.executor.close()
        self.sock.disable_monitor()
        self.monitor.close()
        self.sock.close()
        self.ctx.term()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self.log.write("closed")

    # ------------------------------------------------------------------ receiving
    def _receive(self, frames: list[bytes]) -> None:
        rid, body = frames[0], frames[1:]
        try:
            msg = protocol.open_frames(self.key, protocol.CLIENT, body)
        except protocol.BadMessage as exc:
            self.log.write("refused", reason=str(exc), peer=rid)
            self.sock.send_multipart([rid, *protocol.refusal(protocol.E_AUTH, str(exc))])
            return
        if msg.get("v") != PROTOCOL_VERSION:
            self._reply(
                rid,
                msg,
                error=(
                    protocol.E_VERSION,
                    f"protocol version {msg.get('v')!r} is not supported; "
                    f"this server speaks {PROTOCOL_VERSION}",
                ),
            )
            return
        op, args = msg.get("op"), msg.get("a") or {}
        if not isinstance(op, str) or not isinstance(args, dict):
            self._reply(rid, msg, error=(protocol.E_BAD, "op must be a string and a a map"))
            return
        try:
            if op == "hello":
                session = self.sessions.open(rid, args)
                self.log.write(
                    "session", session=session.sid, role=session.role, client=session.client
                )
                result = {"session": session.sid, "nonce": args["nonce"], "role": session.role}
                self._reply(rid, {**msg, "sid": session.sid}, result={**result, **self._info()})
                return
            session = self.sessions.check(rid, msg)
        except Refused as exc:
            self.log.write("refused", reason=str(exc), op=op, peer=rid, seq=msg.get("seq"))
            self._reply(rid, msg, error=(exc.code, str(exc)))
            return
        self._dispatch(rid, session, msg, op, args)

    def _track(self, parts: list[zmq.Frame]) -> None:
        """Remember which TCP connection (file descriptor) each routing id arrives on.

        A new connection may have the descriptor of one that just closed; that close was reported
        before the new connection was accepted, so it is taken first: otherwise the late close
        report would end the new connection's session.
        """
        if len(parts) > 1:
            rid = parts[0].bytes
            if not self.sessions.is_tracked(rid):
                self._disconnects()
            self.sessions.track(rid, int(parts[1].get(zmq.SRCFD)))

    def _disconnects(self) -> None:
        """End the sessions of connections that closed (the client process died or left)."""
        while self.monitor.poll(0):
            event = recv_monitor_message(self.monitor)
            if event["event"] == zmq.EVENT_DISCONNECTED:
                for session in self.sessions.disconnected(int(event["value"])):
                    self._end_session(session, "client disconnected")

    def _info(self) -> dict[str, Any]:
        info = self.driver.info
        return {
            "driver": self.driver.name,
            "simulated": info.simulated,
            "scene": info.scene,
            "model": info.model,
            "gripper": info.gripper,
            "limits": self.limits.as_dict(),
            "heartbeat_timeout": self.heartbeat_timeout,
            "protocol": PROTOCOL_VERSION,
        }

    # ------------------------------------------------------------------ operations
    def _dispatch(
        self, rid: bytes, session: Session, msg: dict[str, Any], op: str, args: dict[str, Any]
    ) -> None:
        if op == "ping":
            self._reply(rid, msg, result={"estop": self.estop, "moving": self.executor.busy})
        elif op == "state":
            self._reply(rid, msg, result=self._state())
        elif op == "info":
            self._reply(rid, msg, result=self._info())
        elif op == "stop":
            self.estop = True
            self._halt(f"emergency stop from {session.client}")
            self.halts.waiting_stop(rid, msg)
        elif op == "bye":
            self._reply(rid, msg, result={})
            self._end_session(session, "client said goodbye")
        elif not self.sessions.is_controller(session):
            self._reply(
                rid,
                msg,
                error=(
                    protocol.E_READ_ONLY,
                    f"{op}: this session is read-only; another client controls the robot or none asked to",
                ),
            )
        elif op == "release":
            if self.executor.busy:
                self._reply(
                    rid, msg, error=(protocol.E_BUSY, "release: the robot is still stopping")
                )
            else:
                self.estop = False
                self.log.write("released", session=session.sid)
                self._reply(rid, msg, result=self._state())
        elif op in protocol.DRIVER_OPS:
            self._command(rid, session, msg, op, args)
        else:
            self._reply(rid, msg, error=(protocol.E_BAD, f"unknown operation '{op}'"))

    def _command(
        self, rid: bytes, session: Session, msg: dict[str, Any], op: str, args: dict[str, Any]
    ) -> None:
        if session.in_flight:
            self._reply(
                rid,
                msg,
                error=(protocol.E_BUSY, f"{op}: a command of this session is still running"),
            )
            return
        if self.estop and op in protocol.MOTION_OPS:
            self._refuse(
                rid,
                session,
                msg,
                op,
                args,
                Refusal(
                    protocol.E_ESTOP,
                    f"{op} refused: the emergency stop is latched (codepolicy robot release ADDR)",
                ),
            )
            return
        run = commands.prepare(op, args, self.driver, self.limits)
        if isinstance(run, Refusal):
            self._refuse(rid, session, msg, op, args, run)
            return
        session.in_flight = True
        self.executor.submit(Job(run, context=(rid, session, msg, op, args)))

    def _refuse(
        self,
        rid: bytes,
        session: Session,
        msg: dict[str, Any],
        op: str,
        args: dict[str, Any],
        why: Refusal,
    ) -> None:
        self.log.write("refused", session=session.sid, op=op, asked=args, reason=why.message)
        self._reply(rid, msg, error=(why.code, why.message))

    def _job_done(self, job: Job) -> None:
        self._done.append(job)
        os.write(self._wake_w, b"x")

    def _finish(self, job: Job) -> None:
        rid, session, msg, op, args = job.context
        session.in_flight = False
        duration = job.finished - job.started
        if job.error is not None:
            text = f"{op} failed on the {self.driver.name} driver: {job.error}"
            self.log.write(
                "command",
                session=session.sid,
                op=op,
                asked=args,
                executed=None,
                error=text,
                duration=duration,
            )
            self._reply(rid, msg, error=(protocol.E_DRIVER, text))
            return
        body = (
            commands.executed(op, job.result, self.driver, args) if job.result is not None else {}
        )
        self.log.write(
            "command",
            session=session.sid,
            op=op,
            asked=args,
            executed=commands.loggable(op, body),
            halted=job.halted,
            duration=duration,
        )
        if job.halted and op in protocol.MOTION_OPS:
            reason = self.halts.last_reason
            self._reply(rid, msg, error=("halted", f"{op} halted: {reason}"), result=body)
        else:
            self._reply(rid, msg, result=body)

    def _state(self) -> dict[str, Any]:
        s = self.executor.state
        return {
            "tcp": list(s.tcp),
            "gripper_opening": s.gripper_opening,
            "held": s.held,
            "sim_time": s.sim_time,
            "moving": s.moving,
            "joints": list(s.joints),
            "estop": self.estop,
            "controlled": self.sessions.controller is not None,
        }

    # ------------------------------------------------------------------ halting
    def _halt(self, reason: str) -> None:
        self.halts.request(reason)
        self.executor.halt()

    def _end_session(self, session: Session, reason: str) -> None:
        if self.sessions.end(session):
            self._halt(f"controlling client {session.client}: {reason}")
        self.log.write("session_end", session=session.sid, reason=reason)

    def _watchdog(self) -> None:
        for session in self.sessions.silent(self.heartbeat_timeout):
            reason = f"no message for {self.heartbeat_timeout} s (missed heartbeats)"
            self._end_session(session, reason)
        entries, replies = self.halts.settle(self.executor.halted_at, self.executor.busy)
        for entry in entries:
            self.log.write("halt", **entry)
        for rid, msg, result in replies:
            self._reply(rid, msg, result=result)

    def _reply(
        self,
        rid: bytes,
        msg: dict[str, Any],
        *,
        result: dict[str, Any] | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        reply: dict[str, Any] = {
            "v": PROTOCOL_VERSION,
            "sid": msg.get("sid"),
            "ch": msg.get("ch"),
            "re": msg.get("seq"),
            "ok": error is None,
        }
        if result is not None:
            reply["r"] = result
        if error is not None:
            reply["err"] = {"code": error[0], "message": error[1]}
        with contextlib.suppress(zmq.ZMQError):
            self.sock.send_multipart([rid, *protocol.seal(self.key, SERVER, reply)], zmq.NOBLOCK)
