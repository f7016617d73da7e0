"""The robot role of an adapter: move the end effector and the gripper by servoing the env.

A move sends ``clip((target − ee) / scale)`` step after step (at most the requested speed) until the
end effector is within the spec's tolerance or the step budget is spent, and reports where it really
got to. Gripper commands are held for as many steps as the fingers need, and the last one keeps being
sent during moves (closed fingers keep squeezing; open fingers keep their width).

An env that adds each displacement to its own commanded position (``command: integrated``,
Meta-World's mocap target) is servoed on that command rather than on the lagging hand; after the
hand has come to rest, a move that ended off target is servoed again (:data:`CORRECTIONS`).

The env reports no contacts, so "stop on contact" is judged from motion: a step that moves the end
effector less than a fifth of what it was asked, three steps running, means something is in the way.
"""

from __future__ import annotations

import math

from codepolicy.envs.adapters.link import EnvLink
from codepolicy.envs.backend import DEFAULT_SPEED, MAX_SPEED, MoveResult
from codepolicy.envs.state import Vec3

BLOCKED_STEPS = 3
"""Steps in a row with (almost) no progress that count as blocked."""
SETTLE_STEPS = 12
"""Longest wait for things to come to rest after a move, in env steps."""
SETTLED = 0.001
"""Nothing moved more than this in one step (m): at rest."""
GRIPPER_STEPS = 25
"""Longest a gripper command is held, in env steps."""
CORRECTIONS = 3
"""Servo again this many times when the end effector drifted off the target while settling (envs
whose hand lags a commanded mocap target, like Meta-World's, overshoot)."""
STILL = (0.0, 0.0, 0.0)
"""No end-effector displacement."""


class AdapterRobot:
    """End-effector and gripper control of one env, in the tabletop frame.

    Args:
        link: The env connection (shared with the scene).
    """

    def __init__(self, link: EnvLink) -> None:
        self.link = link
        self.closed = False
        self._open_width = link.spec.gripper.max_width if link.spec.gripper else 0.0

    def reset(self) -> None:
        """Forget the gripper command (the env has just been reset with the fingers open)."""
        self.closed = False
        self._open_width = self.link.spec.gripper.max_width if self.link.spec.gripper else 0.0

    def tcp(self) -> Vec3:
        """Where the end effector is, tabletop frame."""
        return self.link.transform.to_ours(self.link.ee_now)

    def grip_command(self) -> float:
        """The gripper action that holds the current gripper state."""
        gripper = self.link.spec.gripper
        if gripper is None:
            return 0.0
        if self.closed:
            return float(gripper.close)
        wanted = -gripper.close * gripper.gain * (self._open_width - self.link.width_now)
        return max(-1.0, min(1.0, wanted))

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Servo the end effector in a straight line towards ``target`` (see the module doc).

        Raises:
            SafetyStop: ``target`` lies outside the env's workspace (nothing moves), or a step would.
        """
        link, spec = self.link, self.link.spec
        gx, gy, gz = (float(v) for v in link.transform.to_env(target))
        speed = min(max(float(speed), 1e-3), MAX_SPEED)
        link.limits.check((gx, gy, gz), speed)
        step_len = min(speed * spec.step_seconds, spec.action_scale)
        tolerance, grip_command = spec.tolerance, self.grip_command
        start, blocked, contact = link.steps, 0, False
        integrated = spec.command == "integrated"
        done = 1e-4 if integrated else tolerance
        for _ in range(1 + CORRECTIONS):
            budget = spec.max_move_steps - (link.steps - start)
            cx, cy, cz = link.ee_now  # the commanded position (integrated envs)
            for _ in range(max(0, budget)):
                ex, ey, ez = link.ee_now
                if integrated:
                    dx, dy, dz = gx - cx, gy - cy, gz - cz
                else:
                    dx, dy, dz = gx - ex, gy - ey, gz - ez
                distance = math.sqrt(dx * dx + dy * dy + dz * dz)
                if distance <= done:
                    break
                if distance > step_len:
                    shrink = step_len / distance
                    dx, dy, dz = dx * shrink, dy * shrink, dz * shrink
                link.step((dx, dy, dz), grip_command())
                cx, cy, cz = cx + dx, cy + dy, cz + dz
                asked = min(distance, step_len)
                nx, ny, nz = link.ee_now
                moved = math.sqrt((nx - ex) ** 2 + (ny - ey) ** 2 + (nz - ez) ** 2)
                blocked = blocked + 1 if asked > 0.004 and moved < 0.2 * asked else 0
                if blocked >= BLOCKED_STEPS:
                    contact = True
                    break
            if contact:
                break
            self._settle()
            if math.dist(link.ee_now, (gx, gy, gz)) <= 2 * tolerance:
                break  # still there once things came to rest (an env that lags its command overshoots)
        reached = self.tcp()
        error = math.dist(reached, target)
        ok = error <= 2 * spec.tolerance or (stop_on_contact and contact)
        reason = None if ok else ("collision" if contact else "timeout")
        seconds = (link.steps - start) * spec.step_seconds
        return MoveResult(tuple(float(v) for v in target), reached, ok, reason, contact, seconds)  # type: ignore[arg-type]

    def _settle(self) -> None:
        """Hold still until the end effector and every object stop moving (a held object swings
        behind the fingers while they move), at most :data:`SETTLE_STEPS` steps."""
        link = self.link
        before = link.positions()
        for _ in range(SETTLE_STEPS):
            link.step(STILL, self.grip_command())
            after = link.positions()
            if max(abs(a - b) for a, b in zip(after, before, strict=True)) < SETTLED:
                break
            before = after

    def set_gripper(self, open: bool, width: float | None = None) -> float:
        """Open to ``width`` (fully when None) or close until the fingers stop; returns seconds."""
        link, gripper = self.link, self.link.spec.gripper
        if gripper is None:
            return 0.0
        start = link.steps
        if open:
            self.closed = False
            self._open_width = gripper.max_width if width is None else min(width, gripper.max_width)
            for _ in range(GRIPPER_STEPS):
                if abs(link.width() - self._open_width) < 0.003:
                    break
                link.step(STILL, self.grip_command())
        else:
            self.closed = True
            for i in range(GRIPPER_STEPS):
                before = link.width()
                link.step(STILL, float(gripper.close))
                if i >= 2 and abs(link.width() - before) < 5e-4:
                    break
        return (link.steps - start) * link.spec.step_seconds

    def wait(self, seconds: float) -> None:
        """Hold still for ``seconds`` of env time."""
        for _ in range(round(max(0.0, seconds) / self.link.spec.step_seconds)):
            self.link.step(STILL, self.grip_command())
