"""The benchmark grid: axes of ``codepolicy bench --grid``, their cells, and what a cell changes.

``--grid api=macro,low perception=privileged,noisy`` runs the cross product of the axes; every cell
is a variant of the run, labelled ``api=macro,perception=noisy``, and runs the same scenario × seed
episodes as every other cell (paired). What each axis sets:

- ``api``: the primitive profile (``macro``, ``primitive``, ``low``; ``default`` is ``primitive``).
- ``perception``: the perception kind (``privileged``, ``noisy``, ``mask``, ``camera``, ...).
- ``feedback``: how much the model is told after a round (:data:`FEEDBACK_LEVELS`).
- ``turns``: model rounds. 1 is one program, no replanning; k > 1 is the ``refine`` strategy with
  ``max_rounds = k`` (refine always asks again after a failed round; ``closed-loop`` would only
  continue after a primitive fails mid-program).
- ``skills``: ``off`` or ``on`` (the ``--skill-library FILE`` functions offered to the model).

Example:
    >>> grid = parse_grid(["api=macro,default", "turns=1,3"])
    >>> grid
    {'api': ['macro', 'primitive'], 'turns': ['1', '3']}
    >>> [cell_label(c) for c in grid_cells(grid)][:2]
    ['api=macro,turns=1', 'api=macro,turns=3']
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace

from codepolicy.bench.tasks import BenchSettings, EpisodeTask
from codepolicy.errors import ConfigError
from codepolicy.feedback.levels import FEEDBACK_LEVELS

API_TIERS = ("macro", "primitive", "low")
"""API tiers, most help first."""
API_ALIASES = {"default": "primitive"}
SKILLS = ("off", "on")
MODEL_AXES = ("feedback", "turns", "skills")
"""Axes that change only what a model is given or asked: meaningless without a model."""
CAMERA_KINDS = ("mask", "camera")
"""Perception kinds that render cameras (the kinematic backend renders none)."""
MAX_TURNS = 20

Cell = tuple[tuple[str, str], ...]
"""A grid cell: (axis, value) pairs in the grid's axis order."""


def perception_kinds() -> tuple[str, ...]:
    """Registered perception kinds, most help first."""
    from codepolicy.primitives.perception import PERCEPTION

    return tuple(PERCEPTION.names())


def axis_values(axis: str) -> tuple[str, ...]:
    """The canonical values of an axis in their order (``turns``: none, any positive integer).

    Raises:
        ConfigError: an unknown axis, listing the known ones.
    """
    values: dict[str, tuple[str, ...]] = {
        "api": API_TIERS,
        "perception": perception_kinds(),
        "feedback": FEEDBACK_LEVELS,
        "turns": (),
        "skills": SKILLS,
    }
    if axis not in values:
        raise ConfigError(f"--grid: unknown axis '{axis}'; the axes are: {', '.join(AXES)}")
    return values[axis]


AXES = ("api", "perception", "feedback", "turns", "skills")
"""The grid's axes, in the order cells and tables list them by default."""


def _value(axis: str, raw: str) -> str:
    """The canonical form of one value of ``axis``."""
    if axis == "turns":
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_TURNS:
            raise ConfigError(
                f"--grid turns: '{raw}' is not a number of model rounds; give integers from 1 "
                f"to {MAX_TURNS}, e.g. turns=1,3"
            )
        return str(int(raw))
    value = API_ALIASES.get(raw, raw) if axis == "api" else raw
    valid = axis_values(axis)
    if value not in valid:
        shown = ", ".join(f"{v} (alias default)" if v == "primitive" else v for v in valid)
        raise ConfigError(f"--grid {axis}: unknown value '{raw}'; choose from: {shown}")
    return value


def parse_grid(specs: Sequence[str]) -> dict[str, list[str]]:
    """``["api=macro,low", "turns=1,3"]`` -> ``{"api": ["macro", "low"], "turns": ["1", "3"]}``.

    Values keep the order given; ``default`` becomes ``primitive``, ``turns=03`` becomes ``3``.

    Raises:
        ConfigError: not ``AXIS=VALUE[,VALUE...]``, an unknown or repeated axis, an unknown or
            repeated value (the message names the axis and the value and lists the valid ones).
    """
    grid: dict[str, list[str]] = {}
    for spec in specs:
        for item in spec.split():
            axis, sep, raw = item.partition("=")
            axis = axis.strip()
            if not sep or not axis:
                raise ConfigError(
                    f"--grid expects AXIS=VALUE[,VALUE...] (axes: {', '.join(AXES)}), got '{item}'"
                )
            axis_values(axis)  # unknown axis
            if axis in grid:
                raise ConfigError(f"--grid: the axis '{axis}' is given twice; give it once")
            given: dict[str, str] = {}  # canonical value -> as written
            for part in (p.strip() for p in raw.split(",")):
                if not part:
                    raise ConfigError(f"--grid {axis}: empty value in '{item}'")
                value = _value(axis, part)
                if value in given:
                    names = {given[value], part} - {value}
                    same = f" ('{names.pop()}' is '{value}')" if names else ""
                    raise ConfigError(
                        f"--grid {axis}: the value '{value}' is given twice{same}; give it once"
                    )
                given[value] = part
            grid[axis] = list(given)
    return grid


def grid_cells(grid: Mapping[str, Sequence[str]]) -> list[Cell]:
    """Every cell of the grid (the cross product), the first axis varying slowest."""
    axes = list(grid)
    return [tuple(zip(axes, combo, strict=True)) for combo in itertools.product(*grid.values())]


def cell_label(cell: Cell) -> str:
    """The variant label of a cell: ``"api=low,perception=camera"``."""
    return ",".join(f"{axis}={value}" for axis, value in cell)


def check_grid(
    grid: Mapping[str, Sequence[str]],
    *,
    planner: str,
    backend: str,
    skill_library: str | None,
    variants: int = 1,
) -> None:
    """Refuse a grid that cannot run or would measure nothing.

    Args:
        grid: Parsed axes (:func:`parse_grid`).
        planner: The run's planner.
        backend: The run's backend.
        skill_library: The ``--skill-library`` file, if any.
        variants: Number of prompt variants of the run.

    Raises:
        ConfigError: a model axis without a model (oracle or program planner), several prompt
            variants, a camera perception on the kinematic backend, ``skills=on`` without a library.
    """
    for axis, values in grid.items():
        axis_values(axis)
        if not values:
            raise ConfigError(f"--grid {axis}: give at least one value")
    if planner != "llm":
        model_axes = [a for a in grid if a in MODEL_AXES]
        if model_axes:
            raise ConfigError(
                f"--grid {', '.join(model_axes)}: the {planner} planner writes no program with a "
                "model, so these axes would change nothing; with it the grid takes api and "
                "perception (the upper bound of each tier)"
            )
    if variants > 1:
        raise ConfigError(
            "--grid with several --prompt variants: the cells are the variants of a grid run; "
            "give one --prompt"
        )
    if backend == "kinematic":
        for kind in grid.get("perception", []):
            if kind in CAMERA_KINDS:
                raise ConfigError(
                    f"--grid perception={kind}: that kind renders cameras and the kinematic "
                    "backend renders none; use --backend physics or drop the value"
                )
    if "on" in grid.get("skills", []) and skill_library is None:
        raise ConfigError(
            "--grid skills=on needs --skill-library FILE: the library the 'on' cells offer the model"
        )


def apply_cell(settings: BenchSettings, cell: Cell) -> BenchSettings:
    """The episode settings of one grid cell (an empty cell changes nothing)."""
    if not cell:
        return settings
    changes: dict[str, object] = {}
    llm = dict(settings.llm)
    for axis, value in cell:
        if axis == "api":
            changes["profile"] = value
            if llm:
                llm["profile"] = value
        elif axis == "perception":
            changes["perception"] = value
        elif axis == "feedback":
            llm["feedback"] = value
        elif axis == "turns":
            rounds = int(value)
            llm["replan"] = "none" if rounds == 1 else "refine"
            llm["max_rounds"] = rounds
        elif axis == "skills":
            changes["skill_library"] = settings.skill_library if value == "on" else None
    return replace(settings, llm=llm, **changes)  # type: ignore[arg-type]


def task_settings(settings: BenchSettings, task: EpisodeTask) -> BenchSettings:
    """The settings of ``task``: the run's, changed by the task's grid cell."""
    return apply_cell(settings, task.cell)
