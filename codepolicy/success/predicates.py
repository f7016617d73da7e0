"""Leaf predicates on resolved :class:`ObjectState` snapshots: truth, progress and an explanation.

Every check returns a :class:`LeafOutcome`. ``progress`` is 1 exactly when the predicate holds and
otherwise shrinks smoothly with how far off it is (metres of violation, see
:func:`~codepolicy.success.geometry.progress_from_violation`); ``anti_progress`` is the same towards
the predicate becoming false, used under ``not``. Explanations give distances in centimetres.

Semantics (thresholds follow Code as Policies where it has them):

* ``on(a, bowl)``: xy distance < 6 cm, ``a`` not under the bowl (bottom >= bowl bottom - 1 cm) and
  not held in the air (bottom < bowl rim + 3 cm).
* ``on(a, block)``: xy distance < 4 cm and ``a``'s bottom within 1.5 cm of the block's top.
* ``inside(a, bowl)``: xy distance < 6 cm and ``a``'s bottom between the bowl's bottom (- 1 cm) and
  its rim.
* ``at(a, location)``: xy distance < tolerance and ``a`` *rests*: its bottom is within 2 cm of the
  highest surface under its footprint (the table, a bowl's floor or rim, or another object's top).
* ``distinct_locations``: xy only (no resting check), an injective object-to-location assignment.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from codepolicy.envs.frame import ON_BLOCK_XY_TOLERANCE, ON_BOWL_XY_TOLERANCE, TABLE_Z
from codepolicy.envs.state import ObjectState, SceneState
from codepolicy.success.geometry import (
    VIOLATION_SCALE,
    best_assignment,
    cm,
    fit_line,
    orientation_error_deg,
    progress_from_slack,
    progress_from_violation,
    xy,
    xy_distance,
)

ON_BLOCK_Z_TOLERANCE = 0.015
"""``on(a, block)``: how far ``a``'s bottom may be from the block's top, metres."""
ON_BOWL_Z_MARGIN = 0.03
"""``on(a, bowl)``: how far above the bowl's rim ``a``'s bottom may be (else held or falling)."""
UNDER_TOLERANCE = 0.01
"""An object whose bottom is more than this below a bowl's bottom is under it, not in it."""
RESTING_GAP = 0.02
"""An object rests when its bottom is within this of the highest surface under it, metres."""
LINE_ANGLE_TOLERANCE_DEG = 15.0
"""``in_line``: allowed deviation from the wanted orientation, degrees."""


@dataclass(frozen=True)
class LeafOutcome:
    """Result of one leaf predicate on one set of objects."""

    holds: bool
    progress: float
    anti_progress: float
    explanation: str
    violation: float = 0.0
    slack: float = 0.0


def outcome(holds: bool, violation: float, slack: float, explanation: str) -> LeafOutcome:
    """Build an outcome from metres of violation (when false) or of slack (when true)."""
    progress = 1.0 if holds else progress_from_violation(violation)
    anti = 1.0 if not holds else progress_from_slack(slack)
    return LeafOutcome(holds, progress, anti, explanation, max(0.0, violation), max(0.0, slack))


def boolean_outcome(holds: bool, explanation: str) -> LeafOutcome:
    """An outcome without a notion of distance (e.g. colours): progress is 0 or 1."""
    return LeafOutcome(holds, 1.0 if holds else 0.0, 0.0 if holds else 1.0, explanation)


def _same(a: ObjectState, b: ObjectState, relation: str) -> LeafOutcome:
    return outcome(False, VIOLATION_SCALE, 0.0, f"{a.name} cannot be {relation} itself")


# ---- contact predicates --------------------------------------------------------------------------


def on(a: ObjectState, target: ObjectState) -> LeafOutcome:
    """``a`` rests on ``target`` (bowl or block semantics by ``target.kind``)."""
    if a.name == target.name:
        return _same(a, target, "on")
    if target.kind == "bowl":
        return _on_bowl(a, target)
    return _on_block(a, target)


def _on_bowl(a: ObjectState, bowl: ObjectState) -> LeafOutcome:
    return _in_bowl(
        a,
        bowl,
        relation="on",
        margin=ON_BOWL_Z_MARGIN,
        rim_rule=f"held or not resting; needs < {cm(ON_BOWL_Z_MARGIN)}",
    )


def _in_bowl(
    a: ObjectState, bowl: ObjectState, *, relation: str, margin: float, rim_rule: str
) -> LeafOutcome:
    """``a`` within the bowl's footprint, not under it, its bottom below the rim plus ``margin``.

    Args:
        a: The object.
        bowl: The bowl (or any container).
        relation: The word for the relation in the explanations ("on", "inside").
        margin: How far above the rim ``a``'s bottom may be.
        rim_rule: What the explanation says is required of the height above the rim.
    """
    tol = ON_BOWL_XY_TOLERANCE
    d = xy_distance(a.position, bowl.position)
    over_rim = a.bottom_z - bowl.top_z
    too_high = over_rim - margin  # < 0 required
    too_low = (bowl.bottom_z - UNDER_TOLERANCE) - a.bottom_z  # <= 0 required
    holds = d < tol and too_high < 0 and too_low <= 0
    if holds:
        text = f"{a.name} is {relation} the {bowl.name} ({cm(d)} from its centre)"
        return outcome(True, 0.0, min(tol - d, -too_high, -too_low), text)
    parts = []
    if d >= tol:
        parts.append(f"{a.name} is {cm(d)} from the {bowl.name}; needs < {cm(tol)}")
    if too_high >= 0:
        parts.append(
            f"{a.name}'s bottom is {cm(over_rim)} above the {bowl.name}'s rim ({rim_rule})"
        )
    if too_low > 0:
        parts.append(f"{a.name} is under the {bowl.name}, not {relation} it")
    violation = max(0.0, d - tol) + max(0.0, too_high) + max(0.0, too_low)
    return outcome(False, violation, 0.0, "; ".join(parts))


def _on_block(a: ObjectState, block: ObjectState) -> LeafOutcome:
    tol = ON_BLOCK_XY_TOLERANCE
    d = xy_distance(a.position, block.position)
    dz = a.bottom_z - block.top_z
    holds = d < tol and abs(dz) < ON_BLOCK_Z_TOLERANCE
    if holds:
        text = f"{a.name} is on the {block.name} ({cm(d)} off its centre)"
        return outcome(True, 0.0, min(tol - d, ON_BLOCK_Z_TOLERANCE - abs(dz)), text)
    parts = []
    if d >= tol:
        parts.append(f"{a.name} is {cm(d)} from the {block.name} horizontally; needs < {cm(tol)}")
    if dz >= ON_BLOCK_Z_TOLERANCE:
        parts.append(
            f"{a.name}'s bottom is {cm(dz)} above the {block.name}'s top "
            f"(needs within {cm(ON_BLOCK_Z_TOLERANCE)})"
        )
    elif dz <= -ON_BLOCK_Z_TOLERANCE:
        parts.append(
            f"{a.name} is not on top of the {block.name} "
            f"(its bottom is {cm(-dz)} below the {block.name}'s top)"
        )
    violation = max(0.0, d - tol) + max(0.0, abs(dz) - ON_BLOCK_Z_TOLERANCE)
    return outcome(False, violation, 0.0, "; ".join(parts))


def inside(a: ObjectState, container: ObjectState) -> LeafOutcome:
    """``a`` lies within the container's footprint (xy < 6 cm) and below its rim."""
    if a.name == container.name:
        return _same(a, container, "inside")
    return _in_bowl(a, container, relation="inside", margin=0.0, rim_rule="must be below the rim")


def support(a: ObjectState, scene: SceneState) -> tuple[str, float]:
    """What ``a`` stands on and the gap in metres between ``a``'s bottom and that surface.

    The support is the highest surface under ``a``'s footprint that is not above ``a``'s bottom
    (plus :data:`RESTING_GAP`): the table, a bowl's floor (when ``a`` is within the bowl) or rim, or
    another object's top.
    """
    best_name, best_surface = "table", TABLE_Z
    ax, ay = xy(a.position)
    for o in scene.objects.values():
        if o.name == a.name:
            continue
        ox, oy = xy(o.position)
        overlap_x = abs(ax - ox) < (a.size[0] + o.size[0]) / 2
        overlap_y = abs(ay - oy) < (a.size[1] + o.size[1]) / 2
        if not (overlap_x and overlap_y):
            continue
        surface = o.top_z
        if o.kind == "bowl" and xy_distance(a.position, o.position) < ON_BOWL_XY_TOLERANCE:
            surface = o.bottom_z if a.bottom_z < o.top_z else o.top_z
        if surface <= a.bottom_z + RESTING_GAP and surface > best_surface:
            best_name, best_surface = o.name, surface
    return best_name, a.bottom_z - best_surface


def at(
    a: ObjectState, target: tuple[float, float], label: str, tol: float, scene: SceneState
) -> LeafOutcome:
    """``a`` is within ``tol`` of ``target`` in the table plane and rests on something."""
    d = xy_distance(a.position, target)
    under, gap = support(a, scene)
    resting = gap < RESTING_GAP
    holds = d < tol and resting
    where = f"on the {under}" if under == "table" else f"on/in the {under}"
    if holds:
        text = f"{a.name} is at the {label} ({cm(d)} away, resting {where})"
        return outcome(True, 0.0, min(tol - d, RESTING_GAP - gap), text)
    parts = []
    if d >= tol:
        parts.append(f"{a.name} is {cm(d)} from the {label}; needs < {cm(tol)}")
    if not resting:
        parts.append(f"{a.name} is not resting: it is {cm(gap)} above the {under} under it")
    violation = max(0.0, d - tol) + max(0.0, gap - RESTING_GAP)
    return outcome(False, violation, 0.0, "; ".join(parts))


# ---- arrangements --------------------------------------------------------------------------------


def stacked(objects: Sequence[ObjectState]) -> LeafOutcome:
    """Each object rests on the previous one (``objects`` bottom to top)."""
    if len(objects) < 2:
        return outcome(True, 0.0, 1.0, f"{len(objects)} object(s): trivially a stack")
    pairs = [on(upper, lower) for lower, upper in itertools.pairwise(objects)]
    names = ", ".join(o.name for o in objects)
    if all(p.holds for p in pairs):
        return outcome(
            True, 0.0, min(p.slack for p in pairs), f"{names} form one stack, bottom to top"
        )
    violation = sum(p.violation for p in pairs if not p.holds)
    failed = "; ".join(p.explanation for p in pairs if not p.holds)
    good = sum(p.holds for p in pairs)
    text = f"stack {names} (bottom to top): {good} of {len(pairs)} levels in place; {failed}"
    return outcome(False, violation, 0.0, text)


def in_line(
    objects: Sequence[ObjectState], orientation: str, tol: float, min_spacing: float
) -> LeafOutcome:
    """The centres lie within ``tol`` of one line of the wanted orientation, spaced apart."""
    n = len(objects)
    if n < 2:
        return outcome(True, 0.0, 1.0, f"{n} object(s): trivially in a line")
    fit = fit_line([xy(o.position) for o in objects])
    angle = fit.angle_deg
    angle_err = orientation_error_deg(angle, orientation)
    angle_excess = max(0.0, angle_err - LINE_ANGLE_TOLERANCE_DEG)
    lateral = fit.extent / 2 * math.sin(math.radians(angle_excess))  # metres the ends are off
    worst = max(range(n), key=lambda i: (fit.residuals[i], -i))
    order = sorted(range(n), key=lambda i: (fit.positions[i], i))
    gaps = [(fit.positions[j] - fit.positions[i], i, j) for i, j in itertools.pairwise(order)]
    gap, gi, gj = min(gaps)
    kind = "" if orientation == "any" else f"{orientation} "
    holds = fit.max_residual < tol and gap >= min_spacing and angle_excess <= 0
    if holds:
        text = (
            f"{n} objects lie on a {kind}line at {angle:.0f}° to the x axis "
            f"(max {cm(fit.max_residual)} off it; neighbours >= {cm(gap)} apart)"
        )
        angle_slack = fit.extent / 2 * math.sin(math.radians(LINE_ANGLE_TOLERANCE_DEG - angle_err))
        slack = min(tol - fit.max_residual, gap - min_spacing)
        if orientation != "any":
            slack = min(slack, angle_slack)
        return outcome(True, 0.0, slack, text)
    parts = []
    if fit.max_residual >= tol:
        parts.append(
            f"{objects[worst].name} is {cm(fit.max_residual)} off the best-fit line; "
            f"needs < {cm(tol)}"
        )
    if angle_excess > 0:
        parts.append(
            f"the line is at {angle:.0f}° to the x axis, {angle_err:.0f}° from {orientation}; "
            f"needs within {LINE_ANGLE_TOLERANCE_DEG:.0f}°"
        )
    if gap < min_spacing:
        parts.append(
            f"{objects[gi].name} and {objects[gj].name} are only {cm(gap)} apart along the line; "
            f"needs >= {cm(min_spacing)}"
        )
    violation = max(0.0, fit.max_residual - tol) + max(0.0, min_spacing - gap) + max(0.0, lateral)
    return outcome(False, violation, 0.0, "; ".join(parts))


_RELATIONS = {
    # name: (axis, sign, word for the positive direction, word for the opposite)
    "left_of": (0, -1.0, "left of", "right of"),
    "right_of": (0, 1.0, "right of", "left of"),
    "above": (1, 1.0, "above", "below"),
    "below": (1, -1.0, "below", "above"),
}


def relation(kind: str, a: ObjectState, ref: ObjectState, margin: float) -> LeafOutcome:
    """``left_of`` / ``right_of`` compare x; ``above`` / ``below`` compare y (above = top side)."""
    axis, sign, word, opposite = _RELATIONS[kind]
    value = sign * (a.position[axis] - ref.position[axis])
    need = f"; needs > {cm(margin)}" if margin > 0 else ""
    if value > margin:
        text = f"{a.name} is {cm(value)} {word} the {ref.name}{need}"
        return outcome(True, 0.0, value - margin, text)
    if value >= 0:
        text = f"{a.name} is only {cm(value)} {word} the {ref.name}{need or '; needs > 0.0 cm'}"
    else:
        text = f"{a.name} is {cm(-value)} {opposite} the {ref.name}; must be {word} it{need}"
    return outcome(False, margin - value, 0.0, text)


def near(a: ObjectState, ref: ObjectState, distance: float, dims: str = "xy") -> LeafOutcome:
    """``a`` is closer than ``distance`` to ``ref``, in the table plane or (``dims="xyz"``) in space."""
    d = (
        xy_distance(a.position, ref.position)
        if dims == "xy"
        else math.dist(a.position, ref.position)
    )
    if d < distance:
        return outcome(True, 0.0, distance - d, f"{a.name} is {cm(d)} from the {ref.name}")
    text = f"{a.name} is {cm(d)} from the {ref.name}; needs < {cm(distance)}"
    return outcome(False, d - distance, 0.0, text)


def offset(a: ObjectState, ref: ObjectState, dx: float, dy: float, tol: float) -> LeafOutcome:
    """``a`` sits at ``ref`` + (dx, dy) within ``tol``."""
    ax = a.position[0] - ref.position[0]
    ay = a.position[1] - ref.position[1]
    err = math.hypot(ax - dx, ay - dy)
    actual = f"({cm(ax, signed=True)}, {cm(ay, signed=True)})"
    wanted = f"({cm(dx, signed=True)}, {cm(dy, signed=True)})"
    if err < tol:
        text = f"{a.name} is at {actual} from the {ref.name}, {cm(err)} from the wanted {wanted}"
        return outcome(True, 0.0, tol - err, text)
    text = (
        f"{a.name} is at {actual} from the {ref.name}, {cm(err)} from the wanted {wanted}; "
        f"needs < {cm(tol)}"
    )
    return outcome(False, err - tol, 0.0, text)


def distinct_locations(
    objects: Sequence[ObjectState], locations: Sequence[tuple[str, tuple[float, float]]], tol: float
) -> LeafOutcome:
    """Each object is within ``tol`` of its own location (no two objects share one)."""
    n, m = len(objects), len(locations)
    if n == 0:
        return outcome(True, 0.0, 1.0, "no objects: trivially at distinct locations")
    if n > m:
        text = f"{n} objects but only {m} locations to put them at"
        return LeafOutcome(False, 0.0, 1.0, text, VIOLATION_SCALE)
    dist = [[xy_distance(o.position, loc) for _, loc in locations] for o in objects]
    cost = [[max(0.0, d - tol) + 1e-3 * d for d in row] for row in dist]
    _, assignment = best_assignment(cost)
    placed = [(objects[i], locations[j][0], dist[i][j]) for i, j in enumerate(assignment)]
    missing = [(o, label, d) for o, label, d in placed if d >= tol]
    if not missing:
        listing = ", ".join(f"{o.name} at the {label} ({cm(d)})" for o, label, d in placed)
        return outcome(True, 0.0, min(tol - d for _, _, d in placed), f"each at its own: {listing}")
    text = "; ".join(
        f"{o.name} is {cm(d)} from the nearest free location ({label}); needs < {cm(tol)}"
        for o, label, d in missing
    )
    return outcome(False, sum(d - tol for _, _, d in missing), 0.0, text)


def same_color(a: ObjectState, b: ObjectState, want_same: bool) -> LeafOutcome:
    same = a.color.strip().lower() == b.color.strip().lower()
    text = f"{a.name} is {a.color} and the {b.name} is {b.color}"
    return boolean_outcome(same == want_same, text)
