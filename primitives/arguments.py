"""Argument types and checks shared by primitives: positions, targets, names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator

from codepolicy.envs.frame import Frame
from codepolicy.primitives.errors import OutOfWorkspace, UnknownLocation, UnknownObject


def _as_list(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


Position = Annotated[list[float], BeforeValidator(_as_list)]
"""[x, y] or [x, y, z] in metres; numpy arrays and tuples are accepted."""

Target = Annotated[str | list[float], BeforeValidator(_as_list)]
"""An object name, a named location, or [x, y] / [x, y, z] in metres."""

WORKSPACE_TOLERANCE = 0.02
"""Positions this close outside the workspace edge are still accepted, metres."""


def close_matches(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or an empty string."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def check_object(name: str, known: Sequence[str]) -> str:
    """Return ``name`` if it is a known object, else raise an error listing the known ones."""
    if name in known:
        return name
    raise UnknownObject(
        f"unknown object '{name}'{close_matches(name, known)} Known objects: {', '.join(known)}"
    )


def check_location(name: str, frame: Frame) -> tuple[float, float]:
    """The (x, y) of one of the frame's named locations, else an error listing their names."""
    if name in frame.locations:
        return frame.location(name)
    raise UnknownLocation(
        f"unknown location '{name}'{close_matches(name, frame.locations)} "
        f"Known locations: {', '.join(frame.locations)}"
    )


def check_position(
    position: Sequence[float], frame: Frame, *, need_z: bool = False
) -> tuple[float, ...]:
    """Validate a position inside the frame's workspace (and below its ``max_tcp_z``).

    Raises:
        OutOfWorkspace: with the workspace bounds in the message.
        InvalidArgument: wrong length or non-finite numbers.
    """
    values = tuple(float(v) for v in position)
    if len(values) not in ((3,) if need_z else (2, 3)) or not all(np.isfinite(values)):
        want = "[x, y, z]" if need_z else "[x, y] or [x, y, z]"
        raise OutOfWorkspace(f"position must be {want} with finite numbers, got {list(position)}")
    if not frame.in_workspace(values, margin=-WORKSPACE_TOLERANCE):
        raise OutOfWorkspace(
            f"position ({values[0]:.3f}, {values[1]:.3f}) is outside the workspace "
            f"{frame.bounds_text}"
        )
    low, high = frame.table_z, frame.max_tcp_z
    if len(values) == 3 and not low <= values[2] <= high:
        raise OutOfWorkspace(f"height z = {values[2]:.3f} m is outside [{low:g}, {high}] m")
    return values
