"""Host-side view of the OS jail: which layers a worker has, what is missing, one warning line.

A worker reports its layers with ``ready``, before any program code runs in it (see
:mod:`.jail`). :func:`probe` starts one worker to learn them for this machine (``codepolicy
doctor``, bench manifests); :func:`jail_gaps` lists what is off and why.

Example:
    >>> layers = {name: (True, "on") for name in LAYER_NAMES}
    >>> layers["seccomp"] = (False, "not installed")
    >>> jail_gaps(layers)
    ['seccomp: not installed']
"""

from __future__ import annotations

import warnings
from typing import Any

from codepolicy.sandbox.jail import LAYER_NAMES, Layers


class JailWarning(UserWarning):
    """Some OS jail layer is unavailable; programs run with fewer walls."""


def jail_gaps(layers: dict[str, Any]) -> list[str]:
    """``"name: why"`` for every layer that is off or was not reported."""
    gaps = []
    for name in LAYER_NAMES:
        state = layers.get(name)
        if state is None:
            gaps.append(f"{name}: not reported by the worker")
        elif not state[0]:
            gaps.append(f"{name}: {state[1]}")
    return gaps


def warn_once(gaps: list[str], stacklevel: int = 3) -> None:
    """One warning line naming the missing layers (Python shows it once per process).

    ``stacklevel`` as for :func:`warnings.warn` (3 names the caller of this function's caller).
    """
    names = ", ".join(g.split(":", 1)[0] for g in gaps)
    warnings.warn(
        f"codepolicy sandbox: jail layers off on this machine: {names} "
        "(run 'codepolicy doctor' for why; --require-jail refuses to run without them)",
        JailWarning,
        stacklevel=stacklevel,
    )


def probe(pool: Any = None, timeout: float = 10.0) -> Layers:
    """The layers a worker gets on this machine (starts one worker from ``pool`` and ends it).

    Raises:
        RuntimeError: no worker became ready within ``timeout``.
    """
    from codepolicy.sandbox.pool import default_pool

    worker = (pool or default_pool()).acquire(timeout)
    try:
        return dict(worker.layers)
    finally:
        worker.close()


REAL_ROBOT_BACKENDS = frozenset({"remote"})
"""Backend names that drive real hardware: programs for them always need the full jail."""


def for_backend(limits: Any, backend: Any) -> Any:
    """``limits`` with ``require_jail`` set when ``backend`` (a world or one of its roles) drives a
    real robot: its name is in :data:`REAL_ROBOT_BACKENDS`, or it or its robot role (looked
    through the safety guard) has a true ``requires_jail`` attribute."""
    robot = getattr(backend, "robot", None)
    parts = [backend, robot, getattr(robot, "unwrapped", None)]
    names = {getattr(part, "name", "") for part in parts if part is not None}
    if names & REAL_ROBOT_BACKENDS or any(getattr(p, "requires_jail", False) for p in parts):
        return limits.model_copy(update={"require_jail": True})
    return limits


def describe(layers: dict[str, Any]) -> list[str]:
    """One line per layer: ``on``/``off``, name, and what it is or why it is off."""
    lines = []
    for name in LAYER_NAMES:
        active, why = layers.get(name, (False, "not reported by the worker"))
        lines.append(f"{'on ' if active else 'off'}  {name:<13} {why}")
    return lines


def active_layers(layers: dict[str, Any]) -> list[str]:
    """Names of the active layers, in display order."""
    return [n for n in LAYER_NAMES if layers.get(n, (False, ""))[0]]


def manifest_entry(layers: dict[str, Any]) -> dict[str, Any]:
    """What a bench manifest records: the active layers and the reasons for the others."""
    return {
        "active": active_layers(layers),
        "off": {g.split(": ", 1)[0]: g.split(": ", 1)[1] for g in jail_gaps(layers)},
    }
