"""``RemoteBackend``: a robot served by ``codepolicy robot serve``, behind the ``Backend`` seam.

It implements the robot role (connect, disconnect, is_connected, context manager, move_tcp,
set_gripper, robot_state, wait, sim_time, stop) over :class:`~codepolicy.robot.client.RobotClient`,
and every result is what the robot really did (where the TCP went, how wide the fingers are).
The scene role (reset, observe, render) exists only when a simulator is behind the server; its
scene knowledge is then privileged ground truth, which :attr:`RemoteBackend.scene_source` says.

Example:
    >>> backend = RemoteBackend("tcp://127.0.0.1:1", bytes(32), connect_timeout=0.2)
    >>> backend.is_connected
    False
    >>> backend.connect()
    Traceback (most recent call last):
    ...
    codepolicy.robot.errors.RobotLinkLost: no reply from the robot server at tcp://127.0.0.1:1 within 0.2 s
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from codepolicy.envs.backend import (
    DEFAULT_SPEED,
    CameraFrame,
    GripperResult,
    MoveResult,
    ObjectSpawn,
)
from codepolicy.envs.frame import TABLETOP, Frame
from codepolicy.envs.roles import RobotState, World
from codepolicy.envs.state import SceneState, Vec3
from codepolicy.errors import ConfigError
from codepolicy.robot import wire
from codepolicy.robot.client import RobotClient
from codepolicy.robot.errors import RobotError, RobotRefused
from codepolicy.robot.keys import read_key_file


class RemoteBackend:
    """A robot (and, with a simulated driver, its scene) reached over the network.

    Args:
        address: Server endpoint, ``tcp://HOST:PORT``.
        key: The shared secret (see :func:`codepolicy.robot.keys.read_key_file`).
        role: ``"control"`` or ``"observe"``.
        **client_options: Timeouts passed to :class:`RobotClient`.
    """

    name = "remote"
    frame: Frame = TABLETOP

    def __init__(
        self, address: str, key: bytes, *, role: str = "control", **client_options: Any
    ) -> None:
        self.client = RobotClient(address, key, role=role, **client_options)
        self._sim_time = 0.0

    @classmethod
    def from_key_file(cls, address: str, key_file: Path, **options: Any) -> RemoteBackend:
        """A backend whose key is read from ``key_file`` (raises KeyFileError naming the file)."""
        return cls(address, read_key_file(key_file), **options)

    # ------------------------------------------------------------------ lifecycle
    def connect(self) -> None:
        """Open the session with the robot server."""
        self.client.connect()
        self._sim_time = float(self.client.request("state").get("sim_time", 0.0))

    def disconnect(self) -> None:
        """End the session (the server holds the robot still)."""
        self.client.disconnect()

    @property
    def is_connected(self) -> bool:
        """Whether the session is up and answering heartbeats."""
        return self.client.is_connected

    def __enter__(self) -> RemoteBackend:
        self.connect()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.disconnect()

    def close(self) -> None:
        """Backend protocol: the same as :meth:`disconnect`."""
        self.disconnect()

    # ------------------------------------------------------------------ what is behind it
    @property
    def driver(self) -> str:
        """Name of the server's driver."""
        return str(self.client.info.get("driver", "?"))

    @property
    def has_ground_truth(self) -> bool:
        """Whether the server knows the scene (a simulator is behind it)."""
        return bool(self.client.info.get("scene"))

    @property
    def can_spawn(self) -> bool:
        """Whether ``reset`` can build a scene (only a simulator can)."""
        return self.has_ground_truth

    @property
    def scene_source(self) -> str:
        """Where scene knowledge comes from, in words (shown in feedback)."""
        if self.has_ground_truth:
            return (
                "privileged ground truth from the simulator behind the robot server "
                f"({self.driver} driver)"
            )
        return "none: the robot server has no scene knowledge"

    # ------------------------------------------------------------------ robot role
    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Move the TCP; returns where the robot really went (refusals raise RobotRefused)."""
        args = {
            "target": [float(v) for v in target],
            "speed": float(speed),
            "stop_on_contact": bool(stop_on_contact),
        }
        result = self._motion("move_tcp", args)
        return wire.move_from_wire(result)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``) or close the gripper; returns the real opening."""
        args: dict[str, Any] = {"open": bool(open)}
        if width is not None:
            args["width"] = float(width)
        return wire.gripper_from_wire(self._motion("set_gripper", args))

    def wait(self, seconds: float) -> None:
        """Hold still for ``seconds``."""
        self._motion("wait", {"seconds": float(seconds)})

    def robot_state(self) -> RobotState:
        """The robot's measured state (the robot role's :class:`~codepolicy.envs.roles.RobotState`)."""
        s = self.client.request("state")
        self._sim_time = float(s["sim_time"])
        held = s.get("held")
        return RobotState(
            tcp=wire.vec3(s["tcp"], "tcp"),
            gripper_opening=float(s["gripper_opening"]),
            holding=bool(s.get("holding", held is not None)),
            held=held,
            sim_time=float(s["sim_time"]),
        )

    def stop(self) -> None:
        """Emergency stop: halt the robot and latch the stop (waits until it stands still)."""
        self.client.request("stop", timeout=5.0)

    @property
    def sim_time(self) -> float:
        """Robot time after the last command (no network round trip)."""
        return self._sim_time

    # ------------------------------------------------------------------ scene role
    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Rebuild the simulated scene behind the server."""
        result = self.client.request(
            "reset", {"objects": wire.spawns_to_wire(objects), "seed": int(seed)}
        )
        return self._scene(result)

    def observe(self) -> SceneState:
        """The scene (privileged: from the server's simulator)."""
        return self._scene(self.client.request("observe"))

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """The server simulator's camera image."""
        result = self.client.request("render", {"width": int(width), "height": int(height)})
        return wire.frame_from_wire(result["frame"])

    # ------------------------------------------------------------------ helpers
    def _motion(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        try:
            result = self.client.request(op, args)
        except RobotRefused:
            body = self.client.last_reply.get("r") or {}
            self._sim_time += float(body.get("sim_seconds", 0.0))
            raise
        self._sim_time += (
            float(result.get("sim_seconds", 0.0)) if op != "wait" else float(args["seconds"])
        )
        return result

    def _scene(self, result: dict[str, Any]) -> SceneState:
        scene = wire.scene_from_wire(result["scene"])
        self._sim_time = scene.sim_time
        return scene


def open_remote(
    address: str, key_file: Path | None, *, insecure: bool = False, **options: Any
) -> RemoteBackend:
    """A connected remote backend.

    Raises:
        KeyFileError: the key file is missing or malformed.
        RobotError: the server cannot be reached or refused us.
    """
    from codepolicy.robot.server import INSECURE_KEY

    if key_file is None and not insecure:
        raise RobotError(
            "a remote robot needs --key-file (or --insecure-localhost for a loopback test server)"
        )
    key = INSECURE_KEY if key_file is None else read_key_file(key_file)
    backend = RemoteBackend(address, key, **options)
    backend.connect()
    return backend


def remote_world(
    *,
    address: str | None = None,
    key_file: Path | None = None,
    insecure: bool = False,
    gui: bool = False,
    **options: Any,
) -> World:
    """The ``remote`` backend (registered through the ``codepolicy.backends`` entry point): a
    connected :class:`RemoteBackend` as a world, its robot guarded on this side too.

    Raises:
        ConfigError: no address, a bad key file, or a server that cannot be reached or refuses us.
    """
    from codepolicy.robot.keys import KeyFileError

    if gui:
        raise ConfigError("the remote backend has no window here; drop --gui")
    if not address:
        raise ConfigError("--backend remote needs --robot tcp://HOST:PORT")
    try:
        backend = open_remote(address, key_file, insecure=insecure, **options)
    except KeyFileError as exc:
        raise ConfigError(str(exc)) from None
    except RobotError as exc:
        raise ConfigError(f"cannot use the robot at {address}: {exc}") from None
    return World.of(backend)


def open_approved(
    address: str,
    key_file: Path,
    *,
    max_step: float | None = None,
    ask: Callable[[str], str] | None = None,
    confirm: str = "none",
    needs_scene: bool = True,
) -> Any:
    """A connected remote robot that offers what the primitives need, behind the host-side
    approvers: clamp to the robot's box, the per-step limit, and a person's ``confirm``.

    Raises:
        ConfigError: a bad key file, a server that cannot be reached or refuses us, or a robot
            that lacks what the programs need (one sentence per gap).
    """
    from codepolicy.robot.approvers import (
        ApprovedBackend,
        Approver,
        ClampToFrame,
        MaxStep,
        PersonConfirm,
    )
    from codepolicy.robot.compat import compatibility_problems
    from codepolicy.robot.keys import KeyFileError

    try:
        backend = open_remote(address, key_file)
    except KeyFileError as exc:
        raise ConfigError(str(exc)) from None
    except RobotError as exc:
        raise ConfigError(f"cannot use the robot at {address}: {exc}") from None
    problems = compatibility_problems(backend.client.info, needs_scene=needs_scene)
    if problems:
        backend.disconnect()
        raise ConfigError(
            f"the robot at {address} cannot run these programs: " + "; ".join(problems)
        )
    box = backend.client.info["limits"]
    approvers: list[Approver] = [ClampToFrame(tuple(box["x"]), tuple(box["y"]), tuple(box["z"]))]
    if max_step is not None:
        approvers.append(MaxStep(max_step))
    if confirm != "none":
        approvers.append(PersonConfirm(confirm, ask=ask or input))
    return ApprovedBackend(backend, approvers)
