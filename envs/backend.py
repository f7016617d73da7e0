"""Backends by name: the registry of world factories, ``make_world(kind)``, and the ``Backend`` type.

A backend is a way to build a :class:`~codepolicy.envs.roles.World`. The shipped ones, ``physics``
(PyBullet), ``kinematic`` (instant geometry) and the adapter worlds of third-party gymnasium envs
(``panda-pick-and-place``, ..., :mod:`codepolicy.envs.adapters`), are each one object playing both roles
(:class:`Backend`: a :class:`~codepolicy.envs.roles.Robot` and a :class:`~codepolicy.envs.roles.Scene`).
A third-party package adds one through the ``codepolicy.backends`` entry-point group: the entry point
is a callable ``factory(**options) -> World`` (or returning one object playing both roles, which is
made into a world).

Example:
    >>> world = make_world("kinematic")
    >>> world.name, world.frame.name, world.robot.unwrapped.name
    ('kinematic', 'tabletop', 'kinematic')
    >>> world.close()
    >>> make_world("bogus")
    Traceback (most recent call last):
    ...
    codepolicy.errors.ConfigError: unknown backend 'bogus'; choose one of: physics, kinematic, ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from codepolicy.envs.roles import (
    DEFAULT_SPEED,
    MAX_SPEED,
    CameraFrame,
    GripperResult,
    MoveResult,
    ObjectSpawn,
    Robot,
    RobotState,
    Scene,
    World,
)
from codepolicy.errors import ConfigError
from codepolicy.registry import Registry

__all__ = [
    "BACKENDS",
    "DEFAULT_SPEED",
    "MAX_SPEED",
    "Backend",
    "CameraFrame",
    "GripperResult",
    "MoveResult",
    "ObjectSpawn",
    "RobotState",
    "make_world",
]


@runtime_checkable
class Backend(Robot, Scene, Protocol):
    """One object playing both roles, robot and scene (our simulators), and closable."""

    def close(self) -> None:
        """Release the world's resources; the backend is disconnected afterwards."""
        ...


WorldFactory = Callable[..., Any]
"""``factory(**options)`` → a :class:`World`, or one object playing both roles."""

BACKENDS: Registry[WorldFactory] = Registry("backend", group="codepolicy.backends")
"""Backends by name; third-party ones load from the ``codepolicy.backends`` entry-point group."""


@BACKENDS.register("physics")
def _physics(*, gui: bool = False, **options: Any) -> World:
    from codepolicy.envs.physics import PhysicsBackend

    return World.of(PhysicsBackend(gui=gui, **options))


@BACKENDS.register("kinematic")
def _kinematic(*, gui: bool = False, **options: Any) -> World:
    from codepolicy.envs.kinematic import KinematicBackend

    if gui:
        raise ConfigError("the kinematic backend has no window; --gui needs --backend physics")
    return World.of(KinematicBackend(**options))


def _adapter_factory(spec: str) -> WorldFactory:
    def factory(*, gui: bool = False, **options: Any) -> World:
        from codepolicy.envs.adapters import AdapterBackend, MissingExtraError

        if gui:
            raise ConfigError(f"the adapter world '{spec}' has no window; drop --gui")
        try:
            return World.of(AdapterBackend(spec, **options))
        except MissingExtraError as exc:
            raise ConfigError(str(exc)) from None

    return factory


def _register_adapter_worlds() -> None:
    from codepolicy.envs.adapters.spec import spec_names

    for spec in spec_names():
        BACKENDS.register(spec, _adapter_factory(spec))


_register_adapter_worlds()


def make_world(kind: str, **options: Any) -> World:
    """A fresh world of backend ``kind``, its robot wrapped in the safety guard.

    Args:
        kind: A registered backend name (``physics``, ``kinematic`` or a plugin's).
        options: Passed to the backend's factory (``gui=True`` for the PyBullet window).

    Raises:
        ConfigError: unknown backend, naming the known ones.
    """
    built = BACKENDS.get(kind)(**options)
    return built if isinstance(built, World) else World.of(built)
