"""Host-side approval of each motion before it is sent to a robot, in order.

:class:`ApprovedBackend` wraps a backend; every ``move_tcp`` passes its approvers in order:
:class:`ClampToFrame` (clamp the target into the robot's workspace box), :class:`MaxStep` (refuse a
move longer than a step limit) and optionally :class:`PersonConfirm` (show the next motion and wait
for Enter; ``--confirm each|first``). A refusal is a :class:`~codepolicy.primitives.errors.SafetyStop`
that ends the program; the robot server still enforces its own limits after these.

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> approved = ApprovedBackend(KinematicBackend(), [MaxStep(0.1)])
    >>> approved.move_tcp((0.3, -0.2, 0.3))
    Traceback (most recent call last):
    ...
    codepolicy.envs.errors.SafetyStop: motion refused: a step of 0.403 m is longer than ...
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from codepolicy.envs.backend import DEFAULT_SPEED, GripperResult, MoveResult
from codepolicy.envs.state import Vec3
from codepolicy.primitives.errors import SafetyStop


@dataclass(frozen=True)
class Motion:
    """A motion waiting for approval: from ``start`` to ``target`` at ``speed``."""

    start: Vec3
    target: Vec3
    speed: float


class Approver(Protocol):
    """Returns the motion to execute (possibly changed) or raises SafetyStop."""

    def __call__(self, motion: Motion) -> Motion: ...


@dataclass(frozen=True)
class ClampToFrame:
    """Clamp targets into a box (the robot's workspace): ``x``, ``y``, ``z`` ranges in metres."""

    x: tuple[float, float]
    y: tuple[float, float]
    z: tuple[float, float]

    def __call__(self, motion: Motion) -> Motion:
        clamped = tuple(
            min(max(v, lo), hi)
            for v, (lo, hi) in zip(motion.target, (self.x, self.y, self.z), strict=True)
        )
        return Motion(motion.start, (clamped[0], clamped[1], clamped[2]), motion.speed)


@dataclass(frozen=True)
class MaxStep:
    """Refuse a move whose straight-line length exceeds ``metres``."""

    metres: float

    def __call__(self, motion: Motion) -> Motion:
        step = math.dist(motion.start, motion.target)
        if step > self.metres:
            raise SafetyStop(
                f"motion refused: a step of {step:.3f} m is longer than the {self.metres} m "
                "per-step limit"
            )
        return motion


class PersonConfirm:
    """Show each motion (``each``) or only the first (``first``) and wait for Enter.

    Anything typed other than Enter (e.g. ``n``) refuses the motion and ends the program.

    Args:
        mode: ``"each"`` or ``"first"``.
        ask: Reads the answer (``input`` by default), given the prompt.
    """

    def __init__(self, mode: str, ask: Callable[[str], str] = input) -> None:
        if mode not in ("each", "first"):
            raise ValueError(f"confirm mode must be each or first, got {mode!r}")
        self.mode, self.ask, self.asked = mode, ask, 0

    def __call__(self, motion: Motion) -> Motion:
        if self.mode == "first" and self.asked:
            return motion
        self.asked += 1
        s, t = motion.start, motion.target
        prompt = (
            f"next motion: ({s[0]:.3f}, {s[1]:.3f}, {s[2]:.3f}) -> ({t[0]:.3f}, {t[1]:.3f}, "
            f"{t[2]:.3f}) at {motion.speed:.2f} m/s; Enter to go, anything else to stop: "
        )
        try:
            answer = self.ask(prompt)
        except EOFError:
            answer = "eof"
        if answer.strip():
            raise SafetyStop("motion refused by the operator")
        return motion


class ApprovedBackend:
    """A backend whose moves pass ``approvers`` first; everything else is passed through."""

    def __init__(self, inner: Any, approvers: Sequence[Approver]) -> None:
        self.inner = inner
        self.approvers = list(approvers)
        self.name = inner.name
        self._at: Vec3 | None = None

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Approve, then move; the next approval starts from where the TCP really went."""
        start = self._at if self._at is not None else self._tcp()
        motion = Motion(start, (float(target[0]), float(target[1]), float(target[2])), speed)
        for approve in self.approvers:
            motion = approve(motion)
        result: MoveResult = self.inner.move_tcp(
            motion.target, speed=motion.speed, stop_on_contact=stop_on_contact
        )
        self._at = result.reached
        return result

    def _tcp(self) -> Vec3:
        """Where the TCP is: the robot's own state when it has one (no scene needed)."""
        if hasattr(self.inner, "robot_state"):
            tcp: Vec3 = self.inner.robot_state().tcp
            return tcp
        position: Vec3 = self.inner.observe().gripper_position
        return position

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Pass through."""
        result: GripperResult = self.inner.set_gripper(open, width)
        return result

    def reset(self, *args: Any, **kwargs: Any) -> Any:
        """Reset the inner backend; the next approval reads the TCP afresh."""
        self._at = None
        return self.inner.reset(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
