"""``AdapterBackend``: a third-party gymnasium env behind the :class:`~codepolicy.envs.backend.Backend`
seam, joining the adapter's robot role (servoing) and scene role (privileged poses).

Example:
    >>> from codepolicy.envs.adapters import AdapterBackend
    >>> backend = AdapterBackend("panda-pick-and-place")  # doctest: +SKIP
    >>> backend.reset([], seed=0).objects["cube"].kind  # doctest: +SKIP
    'block'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from codepolicy.envs.adapters.link import EnvLink
from codepolicy.envs.adapters.robot import AdapterRobot
from codepolicy.envs.adapters.scene import AdapterScene
from codepolicy.envs.adapters.spec import AdapterSpec, get_spec
from codepolicy.envs.frame import TABLETOP, Frame
from codepolicy.envs.roles import (
    DEFAULT_SPEED,
    CameraFrame,
    GripperResult,
    LocalConnection,
    MoveResult,
    ObjectSpawn,
    RobotState,
)
from codepolicy.envs.state import SceneState, Vec3


class AdapterBackend(LocalConnection):
    """A spec'd env as a backend playing both roles: programs, primitives and the judge see the
    tabletop frame. Its scene cannot spawn (the env lays out its own objects; ``reset`` verifies
    the names) and reports privileged ground truth.

    Args:
        spec: A shipped spec's name or a spec.
        env: An already made env for the spec (tests, benchmarks); made when None.
    """

    frame: Frame = TABLETOP
    can_spawn = False
    has_ground_truth = True

    def __init__(self, spec: str | AdapterSpec, env: Any = None) -> None:
        self.spec = get_spec(spec) if isinstance(spec, str) else spec
        self.link = EnvLink(self.spec, env)
        self.robot = AdapterRobot(self.link)
        self.scene = AdapterScene(self.link)
        self.name = self.spec.name
        self._observed: tuple[tuple[int, bool], SceneState] | None = None

    def reset(self, objects: Sequence[ObjectSpawn] = (), seed: int = 0) -> SceneState:
        """Reset the env with ``seed``; the env places its objects itself, so ``objects`` (an
        episode's spawns) only has to name the spec's objects.

        Raises:
            ValueError: a spawn names an object the env does not have.
        """
        known = {o.name for o in self.spec.objects}
        unknown = [o.name for o in objects if o.name not in known]
        if unknown:
            raise ValueError(
                f"the adapter world '{self.name}' has no object {', '.join(map(repr, unknown))}; "
                f"it has: {', '.join(sorted(known))}"
            )
        self.link.reset(seed)
        self.robot.reset()
        return self.observe()

    def observe(self) -> SceneState:
        """The scene now (privileged poses; see :mod:`codepolicy.envs.adapters.scene`); read once
        per env step and gripper state, however often primitives ask."""
        key = (self.link.version, self.robot.closed)
        if self._observed is None or self._observed[0] != key:
            self._observed = (key, self.scene.observe(self.robot.closed))
        return self._observed[1]

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Servo the end effector to ``target`` (tabletop frame); reports where it got to."""
        return self.robot.move_tcp(target, speed=speed, stop_on_contact=stop_on_contact)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``) or close the gripper."""
        seconds = self.robot.set_gripper(open, width)
        scene = self.observe()
        return GripperResult(scene.gripper_opening, scene.held, seconds)

    def robot_state(self) -> RobotState:
        """Where the end effector is, the finger opening and what it holds."""
        scene = self.observe()
        return RobotState(
            scene.gripper_position,
            scene.gripper_opening,
            scene.held is not None,
            scene.held,
            self.sim_time,
        )

    def stop(self) -> None:
        """Nothing moves between commands (every command servos to completion)."""

    def wait(self, seconds: float) -> None:
        """Let env time pass, holding still."""
        self.robot.wait(seconds)

    def env_success(self) -> bool:
        """The env's own success signal now."""
        return self.link.env_success()

    def set_frame_listener(
        self, callback: Callable[[], None] | None, every_seconds: float = 1 / 12
    ) -> None:
        """Call ``callback()`` every ``every_seconds`` of env time, also during motions (video)."""
        steps = max(1, round(every_seconds / self.spec.step_seconds))
        self.link.set_listener(callback, steps)

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """A top-down drawing of the scene in the tabletop frame (no OpenGL needed)."""
        from codepolicy.envs.kinematic import _render_top_down as render_top_down

        return render_top_down(self.observe(), width, height, self.frame)

    @property
    def sim_time(self) -> float:
        """Env seconds since the last reset."""
        return self.link.sim_time

    def close(self) -> None:
        """Close the env; the robot is disconnected afterwards."""
        self.disconnect()
        self.link.close()
