"""The driver seam: what the robot server needs from one arm, and how drivers are found.

A driver owns one arm (or a simulated one). The server calls it from a single thread, one command
at a time, and passes ``should_stop``: a motion polls it and, when it turns true, stops the arm,
holds the current position (opening nothing) and returns with ``reason="halted"``.

Adding an arm (UR through RTDE, xArm, a lerobot-style arm) is a plugin: a package exposes a factory
``make(options: dict[str, str]) -> RobotDriver`` under the entry-point group
``codepolicy.robot_drivers``, e.g. in its ``pyproject.toml``::

    [project.entry-points."codepolicy.robot_drivers"]
    ur5e = "my_package.ur:make"

and then ``codepolicy robot serve --driver ur5e --driver-option host=192.168.1.2`` serves it.
The built-in drivers are ``physics`` (our PyBullet world as a simulated device) and ``franky``
(Franka robots through franky-control).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Protocol, runtime_checkable

from codepolicy.envs.backend import CameraFrame, GripperResult, MoveResult, ObjectSpawn
from codepolicy.envs.state import SceneState, Vec3

ENTRY_POINT_GROUP = "codepolicy.robot_drivers"
StopCheck = Callable[[], bool]


@dataclass(frozen=True)
class RobotState:
    """What the robot reports about itself (no scene knowledge).

    Attributes:
        tcp: Measured TCP position, metres.
        gripper_opening: Finger distance, metres.
        held: Name of the held object where the driver knows it (simulators), else None.
        sim_time: Seconds of robot time since the last reset (wall time on hardware).
        moving: Whether a motion is executing.
        joints: Measured joint angles, radians (empty if the driver has none).
    """

    tcp: Vec3
    gripper_opening: float
    held: str | None = None
    sim_time: float = 0.0
    moving: bool = False
    joints: tuple[float, ...] = ()


@dataclass(frozen=True)
class DriverInfo:
    """What a driver offers; the server checks its limits against it at start-up.

    Attributes:
        simulated: Whether the arm is a simulator (no real hardware moves).
        scene: Whether the driver knows the scene (``reset``/``observe``/``render``); only a
            simulator can, and its knowledge is privileged ground truth.
        fixed_accel: The TCP acceleration of every move if the driver cannot change it, m/s^2.
        fixed_gripper_force: The gripping force if the driver cannot change it, N.
        gripper: Whether there is a gripper.
        model: The arm model, e.g. ``"panda"`` or ``"fr3"``.
    """

    simulated: bool
    scene: bool
    fixed_accel: float | None = None
    fixed_gripper_force: float | None = None
    gripper: bool = True
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class RobotDriver(Protocol):
    """One arm behind the robot server."""

    name: str
    info: DriverInfo

    def move_tcp(
        self,
        target: Vec3,
        *,
        speed: float,
        accel: float | None,
        stop_on_contact: bool,
        should_stop: StopCheck,
    ) -> MoveResult:
        """Move the TCP (pointing down) in a straight line; report where it really went."""
        ...

    def set_gripper(
        self, open: bool, width: float | None, force: float | None, should_stop: StopCheck
    ) -> GripperResult:
        """Open (to ``width``) or close (with at most ``force``) the gripper."""
        ...

    def wait(self, seconds: float, should_stop: StopCheck) -> None:
        """Hold still for ``seconds`` (returns early when ``should_stop`` turns true)."""
        ...

    def hold(self) -> None:
        """Stop any motion now and hold the current position; open nothing."""
        ...

    def state(self) -> RobotState:
        """The robot's current state (cheap; callable between commands)."""
        ...

    def close(self) -> None:
        """Release the hardware or simulator."""
        ...


class SceneDriver(RobotDriver, Protocol):
    """A simulated driver that also knows its scene (privileged ground truth)."""

    def reset(self, objects: Sequence[ObjectSpawn], seed: int) -> SceneState:
        """Rebuild the simulated scene."""
        ...

    def observe(self) -> SceneState:
        """The simulated scene's ground truth."""
        ...

    def render(self, width: int, height: int) -> CameraFrame:
        """Render the simulator's scene camera."""
        ...


class DriverError(RuntimeError):
    """A driver cannot be found, configured or started; the message says why and what to do."""


DriverFactory = Callable[[dict[str, str]], RobotDriver]


def _builtin(module: str) -> DriverFactory:
    def make(options: dict[str, str]) -> RobotDriver:
        driver: RobotDriver = importlib.import_module(module).make(options)
        return driver

    return make


BUILTIN_DRIVERS: dict[str, DriverFactory] = {
    "physics": _builtin("codepolicy.robot.drivers.physics"),
    "franky": _builtin("codepolicy.robot.drivers.franky"),
}


def available_drivers() -> dict[str, DriverFactory]:
    """Built-in drivers plus those installed as ``codepolicy.robot_drivers`` entry points."""
    found: dict[str, DriverFactory] = dict(BUILTIN_DRIVERS)
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, _plugin(ep))
    return found


def _plugin(ep: metadata.EntryPoint) -> DriverFactory:
    def make(options: dict[str, str]) -> RobotDriver:
        try:
            factory = ep.load()
        except Exception as exc:
            raise DriverError(
                f"driver plugin '{ep.name}' ({ep.value}) failed to load: {exc}"
            ) from None
        driver: RobotDriver = factory(options)
        return driver

    return make


def make_driver(name: str, options: dict[str, str] | None = None) -> RobotDriver:
    """Start the driver called ``name`` with ``options``.

    Raises:
        DriverError: unknown name (naming the known ones), or the driver failed to start.
    """
    drivers = available_drivers()
    if name not in drivers:
        raise DriverError(f"unknown driver '{name}'; known drivers: {', '.join(sorted(drivers))}")
    driver = drivers[name](dict(options or {}))
    if not isinstance(driver, RobotDriver):
        raise DriverError(f"driver '{name}' does not implement the RobotDriver protocol")
    return driver
