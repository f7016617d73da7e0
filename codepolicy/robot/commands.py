"""Turn an authenticated driver request into a driver call, after checking the robot's limits.

:func:`prepare` validates the arguments of one request (clear messages naming the field), applies
the server's :class:`~codepolicy.robot.limits.RobotLimits` and returns what the driver thread will
run, or a refusal. :func:`executed` describes what the driver really did, for the reply and the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codepolicy.envs.backend import GripperResult, MoveResult
from codepolicy.envs.state import SceneState
from codepolicy.robot import wire
from codepolicy.robot.driver import RobotDriver, SceneDriver
from codepolicy.robot.limits import RobotLimits
from codepolicy.robot.protocol import E_BAD, E_LIMIT, E_UNSUPPORTED

Run = Callable[[Callable[[], bool]], Any]


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: an error code and a sentence."""

    code: str
    message: str


def _bool(args: dict[str, Any], name: str, default: bool) -> bool:
    value = args.get(name, default)
    if not isinstance(value, bool):
        raise wire.WireError(f"{name} must be true or false, got {value!r}")
    return value


def prepare(
    op: str, args: dict[str, Any], driver: RobotDriver, limits: RobotLimits
) -> Run | Refusal:
    """The driver call for request ``op`` with ``args``, or why it is refused."""
    try:
        return _prepare(op, args, driver, limits)
    except wire.WireError as exc:
        return Refusal(E_BAD, f"{op}: {exc}")


def _prepare(
    op: str, args: dict[str, Any], driver: RobotDriver, limits: RobotLimits
) -> Run | Refusal:
    if op == "move_tcp":
        target = wire.vec3(args.get("target"), "target")
        speed = wire.number(args, "speed")
        if speed is None:
            raise wire.WireError("speed is required")
        accel = wire.number(args, "accel")
        stop_on_contact = _bool(args, "stop_on_contact", False)
        why = limits.check_move(target, speed=speed, accel=accel)
        if why is not None:
            return Refusal(E_LIMIT, f"move_tcp refused: {why}")
        if accel is None and driver.info.fixed_accel is None:
            accel = limits.max_accel
        return lambda stop: driver.move_tcp(
            target, speed=speed, accel=accel, stop_on_contact=stop_on_contact, should_stop=stop
        )
    if op == "set_gripper":
        open_ = _bool(args, "open", True)
        width = wire.number(args, "width")
        force = wire.number(args, "force")
        why = limits.check_gripper(width, force)
        if why is not None:
            return Refusal(E_LIMIT, f"set_gripper refused: {why}")
        if force is None and driver.info.fixed_gripper_force is None:
            force = limits.max_gripper_force
        return lambda stop: driver.set_gripper(open_, width, force, stop)
    if op == "wait":
        seconds = wire.number(args, "seconds")
        if seconds is None:
            raise wire.WireError("seconds is required")
        why = limits.check_wait(seconds)
        if why is not None:
            return Refusal(E_LIMIT, f"wait refused: {why}")
        return lambda stop: driver.wait(seconds, stop)
    if op in ("reset", "observe", "render"):
        if not driver.info.scene:
            return Refusal(
                E_UNSUPPORTED,
                f"{op}: the {driver.name} driver has no scene knowledge (only a simulator does)",
            )
        scene: SceneDriver = driver  # type: ignore[assignment]
        if op == "reset":
            objects = wire.spawns_from_wire(args.get("objects", []))
            seed = args.get("seed", 0)
            if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
                raise wire.WireError(f"seed must be a non-negative integer, got {seed!r}")
            return lambda stop: scene.reset(objects, seed)
        if op == "observe":
            return lambda stop: scene.observe()
        width, height = args.get("width", 320), args.get("height", 240)
        if not all(isinstance(v, int) and 1 <= v <= 2048 for v in (width, height)):
            raise wire.WireError(
                f"width and height must be integers in [1, 2048], got {width}x{height}"
            )
        return lambda stop: scene.render(width, height)
    return Refusal(E_BAD, f"unknown operation '{op}'")


def executed(op: str, result: Any, driver: RobotDriver, args: dict[str, Any]) -> dict[str, Any]:
    """The reply body of a finished command: what the robot really did."""
    if isinstance(result, MoveResult):
        out = wire.move_to_wire(result)
        out["speed"] = args.get("speed")
        out["accel"] = driver.info.fixed_accel or args.get("accel")
        return out
    if isinstance(result, GripperResult):
        out = wire.gripper_to_wire(result)
        out["force"] = driver.info.fixed_gripper_force or args.get("force")
        return out
    if isinstance(result, SceneState):
        return {"scene": wire.scene_to_wire(result)}
    if op == "render":
        return {"frame": wire.frame_to_wire(result)}
    return {}


def loggable(op: str, body: dict[str, Any]) -> dict[str, Any]:
    """A reply body shortened for the log (no images, object counts instead of scenes)."""
    if op == "render":
        return {"frame": "..."}
    if "scene" in body:
        scene = body["scene"]
        return {"objects": len(scene["objects"]), "gripper_position": scene["gripper_position"]}
    return body
