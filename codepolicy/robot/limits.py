"""The robot's own limits, enforced by the server on every command whatever the client sends.

A command outside them is refused (never silently clamped), and the refusal says which limit.
The workspace is a box: a straight TCP line between two points inside a box stays inside it.

Example:
    >>> limits = RobotLimits()
    >>> limits.check_move((0.0, -0.5, 0.2), speed=0.5, accel=None)
    >>> print(limits.check_move((0.0, -0.5, 0.2), speed=3.0, accel=None))
    speed 3.000 m/s is outside (0, 1.0] m/s
"""

from __future__ import annotations

from dataclasses import dataclass

from codepolicy.envs.state import Vec3


@dataclass(frozen=True)
class RobotLimits:
    """Limits of one robot, in the tabletop frame (metres, seconds, newtons).

    Attributes:
        x: Allowed TCP x range.
        y: Allowed TCP y range.
        z: Allowed TCP height range.
        max_speed: Highest TCP speed, m/s.
        max_accel: Highest TCP acceleration, m/s^2.
        max_gripper_force: Highest gripping force, N.
        max_gripper_width: Widest finger opening that may be asked for, m.
        max_wait: Longest single wait, s.
    """

    x: tuple[float, float] = (-0.35, 0.35)
    y: tuple[float, float] = (-0.85, -0.05)
    z: tuple[float, float] = (0.0, 0.65)
    max_speed: float = 1.0
    max_accel: float = 2.5
    max_gripper_force: float = 70.0
    max_gripper_width: float = 0.08
    max_wait: float = 60.0

    def __post_init__(self) -> None:
        for name in ("x", "y", "z"):
            lo, hi = getattr(self, name)
            if not lo < hi:
                raise ValueError(f"workspace {name} range [{lo}, {hi}] is empty")
        for name in ("max_speed", "max_accel", "max_gripper_force", "max_gripper_width"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")

    def inside(self, p: Vec3) -> bool:
        """Whether a TCP position lies in the workspace box."""
        return all(lo <= v <= hi for v, (lo, hi) in zip(p, (self.x, self.y, self.z), strict=True))

    def check_move(self, target: Vec3, *, speed: float, accel: float | None) -> str | None:
        """Why a TCP move is refused, or None if it is within the limits."""
        if not self.inside(target):
            x, y, z = target
            return (
                f"target ({x:.3f}, {y:.3f}, {z:.3f}) is outside the workspace box "
                f"x [{self.x[0]}, {self.x[1]}], y [{self.y[0]}, {self.y[1]}], "
                f"z [{self.z[0]}, {self.z[1]}]"
            )
        if not 0 < speed <= self.max_speed:
            return f"speed {speed:.3f} m/s is outside (0, {self.max_speed}] m/s"
        if accel is not None and not 0 < accel <= self.max_accel:
            return f"acceleration {accel:.3f} m/s^2 is outside (0, {self.max_accel}] m/s^2"
        return None

    def check_gripper(self, width: float | None, force: float | None) -> str | None:
        """Why a gripper command is refused, or None."""
        if width is not None and not 0 <= width <= self.max_gripper_width:
            return f"gripper width {width:.4f} m is outside [0, {self.max_gripper_width}] m"
        if force is not None and not 0 < force <= self.max_gripper_force:
            return f"gripper force {force:.1f} N is outside (0, {self.max_gripper_force}] N"
        return None

    def check_wait(self, seconds: float) -> str | None:
        """Why a wait is refused, or None."""
        if not 0 <= seconds <= self.max_wait:
            return f"wait of {seconds:.3f} s is outside [0, {self.max_wait}] s"
        return None

    def as_dict(self) -> dict[str, object]:
        """The limits as plain values (for ``info`` replies and logs)."""
        return {
            "x": list(self.x),
            "y": list(self.y),
            "z": list(self.z),
            "max_speed": self.max_speed,
            "max_accel": self.max_accel,
            "max_gripper_force": self.max_gripper_force,
            "max_gripper_width": self.max_gripper_width,
            "max_wait": self.max_wait,
        }
