"""Make a spec's env: import its package lazily (with a helpful message) and apply its settings."""

from __future__ import annotations

import importlib
from typing import Any

from codepolicy.envs.adapters.spec import AdapterSpec


class MissingExtraError(ImportError):
    """The package behind an adapter world is not installed; the message says how to install it."""


def import_env_package(spec: AdapterSpec) -> Any:
    """Import the module that registers the spec's env ids.

    Raises:
        MissingExtraError: the package is missing, naming the extra that installs it.
    """
    try:
        module = importlib.import_module(spec.module)
    except ImportError as exc:
        raise MissingExtraError(
            f"the adapter world '{spec.name}' needs the '{spec.module}' package ({exc}); "
            f"install it with: pip install 'codepolicy[{spec.extra}]'"
        ) from None
    return module


def make_env(spec: AdapterSpec) -> Any:
    """The unwrapped env of ``spec``, with its ``env_settings`` applied.

    The env is unwrapped: our step budgets replace its time limit, and a program may keep going
    after the env's own ``terminated`` flag.
    """
    import_env_package(spec)
    import gymnasium as gym

    env = gym.make(spec.env_id, **spec.make_kwargs).unwrapped
    for path, value in spec.env_settings.items():
        set_attribute(env, path, value)
    return env


def resolve(obj: Any, path: str) -> Any:
    """``obj.a.b`` for ``path = "a.b"``, with an error naming the missing part."""
    for part in path.split("."):
        if not hasattr(obj, part):
            raise AttributeError(f"{type(obj).__name__} has no attribute '{part}' (in '{path}')")
        obj = getattr(obj, part)
    return obj


def set_attribute(obj: Any, path: str, value: Any) -> None:
    """Set ``obj.a.b = value``; a list value replacing a numpy array becomes an array."""
    head, _, last = path.rpartition(".")
    owner = resolve(obj, head) if head else obj
    current = resolve(owner, last)
    if hasattr(current, "shape") and isinstance(value, list):
        import numpy as np

        value = np.asarray(value, dtype=np.asarray(current).dtype)
    setattr(owner, last, value)
