"""Plain msgpack forms of the values the robot protocol carries (scenes, results, images).

Example:
    >>> from codepolicy.envs.backend import MoveResult
    >>> result = MoveResult((0.0, -0.5, 0.2), (0.0, -0.5, 0.21), ok=True)
    >>> move_from_wire(move_to_wire(result)) == result
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from codepolicy.envs.backend import CameraFrame, GripperResult, MoveResult, ObjectSpawn
from codepolicy.envs.state import ObjectState, SceneState, Vec3


class WireError(ValueError):
    """A field of a message has the wrong shape or type; the message names the field."""


def vec3(value: Any, field: str) -> Vec3:
    """Three finite floats from a message field."""
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        raise WireError(f"{field} must be a list of 3 numbers, got {value!r}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise WireError(f"{field} must hold finite numbers, got {value!r}")
        out.append(float(v))
    return (out[0], out[1], out[2])


def number(args: dict[str, Any], field: str, default: float | None = None) -> float | None:
    """An optional finite number argument."""
    value = args.get(field, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WireError(f"{field} must be a finite number, got {value!r}")
    return float(value)


def move_to_wire(result: MoveResult) -> dict[str, Any]:
    """A move result as a map."""
    return {
        "target": list(result.target),
        "reached": list(result.reached),
        "ok": result.ok,
        "reason": result.reason,
        "contact": result.contact,
        "sim_seconds": result.sim_seconds,
    }


def move_from_wire(data: dict[str, Any]) -> MoveResult:
    """A move result from its map."""
    return MoveResult(
        target=vec3(data["target"], "target"),
        reached=vec3(data["reached"], "reached"),
        ok=bool(data["ok"]),
        reason=data.get("reason"),
        contact=bool(data.get("contact", False)),
        sim_seconds=float(data.get("sim_seconds", 0.0)),
    )


def gripper_to_wire(result: GripperResult) -> dict[str, Any]:
    """A gripper result as a map."""
    return {"opening": result.opening, "held": result.held, "sim_seconds": result.sim_seconds}


def gripper_from_wire(data: dict[str, Any]) -> GripperResult:
    """A gripper result from its map."""
    return GripperResult(float(data["opening"]), data.get("held"), float(data["sim_seconds"]))


def scene_to_wire(scene: SceneState) -> dict[str, Any]:
    """A scene as a map (objects in scene order)."""
    return {
        "objects": [
            [o.name, o.kind, o.color, list(o.position), list(o.size), list(o.orientation)]
            for o in scene.objects.values()
        ],
        "gripper_position": list(scene.gripper_position),
        "gripper_opening": scene.gripper_opening,
        "held": scene.held,
        "sim_time": scene.sim_time,
        "extras": dict(scene.extras),
    }


def scene_from_wire(data: dict[str, Any]) -> SceneState:
    """A scene from its map."""
    objects = {}
    for name, kind, color, pos, size, orn in data["objects"]:
        q = tuple(float(v) for v in orn)
        objects[name] = ObjectState(
            name, kind, color, vec3(pos, "position"), vec3(size, "size"), (q[0], q[1], q[2], q[3])
        )
    return SceneState(
        objects=objects,
        gripper_position=vec3(data["gripper_position"], "gripper_position"),
        gripper_opening=float(data["gripper_opening"]),
        held=data.get("held"),
        sim_time=float(data["sim_time"]),
        extras={str(k): float(v) for k, v in data.get("extras", {}).items()},
    )


def spawns_to_wire(objects: Sequence[ObjectSpawn]) -> list[list[Any]]:
    """Spawn specs as lists."""
    return [[o.name, o.kind, o.color, o.x, o.y, o.yaw] for o in objects]


def spawns_from_wire(data: Any) -> list[ObjectSpawn]:
    """Spawn specs from lists, checking each field."""
    if not isinstance(data, list):
        raise WireError("objects must be a list")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, list) or len(item) != 6:
            raise WireError(f"objects[{i}] must be [name, kind, color, x, y, yaw]")
        name, kind, color, x, y, yaw = item
        if not all(isinstance(s, str) for s in (name, kind, color)):
            raise WireError(f"objects[{i}]: name, kind and color must be strings")
        xyz = vec3([x, y, yaw], f"objects[{i}] x, y, yaw")
        out.append(ObjectSpawn(name, kind, color, *xyz))
    return out


def frame_to_wire(frame: CameraFrame) -> dict[str, Any]:
    """A camera frame as raw arrays."""

    def arr(a: np.ndarray) -> dict[str, Any]:
        a = np.ascontiguousarray(a)
        return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.tobytes()}

    return {k: arr(getattr(frame, k)) for k in ("rgb", "depth", "intrinsics", "extrinsics")}


def frame_from_wire(data: dict[str, Any]) -> CameraFrame:
    """A camera frame from raw arrays."""

    def arr(d: dict[str, Any]) -> np.ndarray:
        return np.frombuffer(d["data"], dtype=np.dtype(d["dtype"])).reshape(d["shape"]).copy()

    return CameraFrame(**{k: arr(data[k]) for k in ("rgb", "depth", "intrinsics", "extrinsics")})
