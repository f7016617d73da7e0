"""Small, pure geometry helpers for the success predicates (table plane, metres, no simulator).

Example:
    >>> round(xy_distance((0.0, 0.0, 0.0), (0.03, 0.04, 1.0)), 3)
    0.05
    >>> cm(0.0921)
    '9.2 cm'
    >>> progress_from_violation(0.0), progress_from_violation(1.0)
    (0.9, 0.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

XY = tuple[float, float]

PROGRESS_CEILING = 0.9
"""Progress of a predicate that does not hold never exceeds this, so only success scores 1.0."""
VIOLATION_SCALE = 0.3
"""A predicate off by this many metres (or more) has progress 0."""
SLACK_SCALE = 0.1
"""A predicate that holds with this much room (or more) has progress 0 towards becoming false."""


def cm(metres: float, signed: bool = False) -> str:
    """Metres as centimetres with one decimal, e.g. ``"9.2 cm"`` (``"+9.2 cm"`` when signed)."""
    value = round(metres * 100, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{value:+.1f} cm" if signed else f"{value:.1f} cm"


def xy(position: Sequence[float]) -> XY:
    """The table-plane part of a position."""
    return (float(position[0]), float(position[1]))


def xy_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Distance between two points projected onto the table plane."""
    return math.hypot(float(a[0]) - float(b[0]), float(a[1]) - float(b[1]))


def progress_from_violation(violation: float, scale: float = VIOLATION_SCALE) -> float:
    """Progress of a false predicate: ``0.9`` when barely off, ``0`` when ``scale`` metres off."""
    violation = max(0.0, violation)
    return PROGRESS_CEILING * (1.0 - min(1.0, violation / scale))


def progress_from_slack(slack: float, scale: float = SLACK_SCALE) -> float:
    """Progress towards becoming false of a predicate that holds with ``slack`` metres to spare."""
    slack = max(0.0, slack)
    return PROGRESS_CEILING * (1.0 - min(1.0, slack / scale))


# ---- lines ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFit:
    """A straight line fitted through points in the table plane.

    Attributes:
        centroid: Mean of the points.
        direction: Unit vector along the line, pointing to +x (or +y when vertical).
        residuals: Perpendicular distance of each point from the line, in input order.
        positions: Coordinate of each point along the line, in input order.
    """

    centroid: XY
    direction: XY
    residuals: tuple[float, ...]
    positions: tuple[float, ...]

    @property
    def angle_deg(self) -> float:
        """Angle of the line to the x axis, in [0, 180) degrees."""
        return math.degrees(math.atan2(self.direction[1], self.direction[0])) % 180.0

    @property
    def extent(self) -> float:
        """Length of the span of the points along the line."""
        return max(self.positions) - min(self.positions) if self.positions else 0.0

    @property
    def max_residual(self) -> float:
        return max(self.residuals, default=0.0)

    @property
    def min_gap(self) -> float:
        """Smallest distance along the line between neighbouring points (inf for < 2 points)."""
        ordered = sorted(self.positions)
        return min((b - a for a, b in itertools.pairwise(ordered)), default=math.inf)


def fit_line(points: Sequence[XY]) -> LineFit:
    """Total-least-squares line through ``points`` (principal axis of their scatter)."""
    n = len(points)
    if n == 0:
        return LineFit((0.0, 0.0), (1.0, 0.0), (), ())
    cx = sum(p[0] for p in points) / n
    cy = sum(p[1] for p in points) / n
    sxx = sum((p[0] - cx) ** 2 for p in points)
    syy = sum((p[1] - cy) ** 2 for p in points)
    sxy = sum((p[0] - cx) * (p[1] - cy) for p in points)
    theta = 0.5 * math.atan2(2.0 * sxy, sxx - syy)  # angle of the major axis
    dx, dy = math.cos(theta), math.sin(theta)
    if dx < -1e-12 or (abs(dx) <= 1e-12 and dy < 0):
        dx, dy = -dx, -dy
    residuals = tuple(abs(-(p[0] - cx) * dy + (p[1] - cy) * dx) for p in points)
    positions = tuple((p[0] - cx) * dx + (p[1] - cy) * dy for p in points)
    return LineFit((cx, cy), (dx, dy), residuals, positions)


def orientation_error_deg(angle_deg: float, orientation: str) -> float:
    """How many degrees a line at ``angle_deg`` (to the x axis) is from the wanted orientation."""
    a = angle_deg % 180.0
    if orientation == "horizontal":
        return min(a, 180.0 - a)
    if orientation == "vertical":
        return abs(a - 90.0)
    if orientation == "diagonal":
        return min(abs(a - 45.0), abs(a - 135.0))
    return 0.0


# ---- assignment ----------------------------------------------------------------------------------


def best_assignment(cost: Sequence[Sequence[float]]) -> tuple[float, tuple[int, ...]]:
    """Assign each row (object) to a distinct column (location) at minimal total cost.

    Exact dynamic programming over subsets of columns for up to 16 columns, greedy beyond. Ties
    resolve to the lexicographically first assignment, so the result is deterministic. Requires
    ``len(rows) <= len(columns)``.

    >>> best_assignment([[1.0, 0.0], [0.0, 1.0]])
    (0.0, (1, 0))
    """
    rows = len(cost)
    cols = len(cost[0]) if rows else 0
    if rows == 0:
        return 0.0, ()
    if rows > cols:
        raise ValueError(f"cannot assign {rows} objects to {cols} locations")
    if cols > 16:
        return _greedy_assignment(cost)
    # best[mask] = (total, assignment) for the first popcount(mask) rows using the columns in mask.
    best: dict[int, tuple[float, tuple[int, ...]]] = {0: (0.0, ())}
    for row in range(rows):
        nxt: dict[int, tuple[float, tuple[int, ...]]] = {}
        for mask, (total, assigned) in best.items():
            for col in range(cols):
                if mask & (1 << col):
                    continue
                cand = (total + cost[row][col], (*assigned, col))
                key = mask | (1 << col)
                if key not in nxt or cand < nxt[key]:
                    nxt[key] = cand
        best = nxt
    return min(best.values())


def _greedy_assignment(cost: Sequence[Sequence[float]]) -> tuple[float, tuple[int, ...]]:
    pairs = sorted((c, r, k) for r, row in enumerate(cost) for k, c in enumerate(row))
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for _c, r, k in pairs:
        if r not in chosen and k not in used:
            chosen[r] = k
            used.add(k)
    assignment = tuple(chosen[r] for r in range(len(cost)))
    return sum(cost[r][k] for r, k in enumerate(assignment)), assignment
