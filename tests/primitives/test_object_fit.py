"""Model fits on synthetic surface points: blocks from any visible faces, bowls from partial rims."""

from __future__ import annotations

import math

import numpy as np

from codepolicy.primitives.object_fit import Points, clusters, fit_cluster


def _block(center: tuple[float, float], bottom: float, yaw: float, faces: str) -> Points:
    """Points on a 4 cm cube's faces: 't' top, 'n'/'s'/'e'/'w' sides (in the cube's frame)."""
    h = 0.02
    grid = np.linspace(-h, h, 12)
    u, v = np.meshgrid(grid, grid)
    u, v = u.ravel(), v.ravel()
    parts, flat = [], []
    if "t" in faces:
        parts.append(np.stack([u, v, np.full_like(u, 2 * h)], 1))
        flat.append(np.ones(u.size, bool))
    zs = v + h
    for face, (x, y) in {
        "e": (np.full_like(u, h), u),
        "w": (np.full_like(u, -h), u),
        "n": (u, np.full_like(u, h)),
        "s": (u, np.full_like(u, -h)),
    }.items():
        if face in faces:
            parts.append(np.stack([x, y, zs], 1))
            flat.append(np.zeros(u.size, bool))
    local = np.concatenate(parts)
    c, s = math.cos(yaw), math.sin(yaw)
    world = local.copy()
    world[:, 0] = center[0] + c * local[:, 0] - s * local[:, 1]
    world[:, 1] = center[1] + s * local[:, 0] + c * local[:, 1]
    world[:, 2] = bottom + local[:, 2]
    horizontal = np.concatenate(flat)
    return Points(world, horizontal, np.arange(len(world)) % 3)


def _bowl(center: tuple[float, float], arc: tuple[float, float] = (0.0, 2 * math.pi)) -> Points:
    angles = np.linspace(arc[0], arc[1], 90)
    rings = [(0.07, 0.05, False), (0.066, 0.035, False), (0.062, 0.015, False)]
    pts, flat = [], []
    for radius, z, horizontal in rings:
        pts.append(
            np.stack(
                [
                    center[0] + radius * np.cos(angles),
                    center[1] + radius * np.sin(angles),
                    np.full_like(angles, z),
                ],
                1,
            )
        )
        flat.append(np.full(angles.size, horizontal))
    r, a = np.meshgrid(np.linspace(0, 0.045, 8), np.linspace(0, 2 * math.pi, 30))
    floor = np.stack(
        [
            center[0] + (r * np.cos(a)).ravel(),
            center[1] + (r * np.sin(a)).ravel(),
            np.full(r.size, 0.006),
        ],
        1,
    )
    pts.append(floor)
    flat.append(np.ones(len(floor), bool))
    xyz = np.concatenate(pts)
    return Points(xyz, np.concatenate(flat), np.arange(len(xyz)) % 4)


def test_block_with_top_and_two_sides_is_centred_and_turned() -> None:
    (fit,) = fit_cluster(_block((0.1, -0.5), 0.0, math.radians(20), "tsw"))
    assert fit.kind == "block"
    assert math.dist(fit.position, (0.1, -0.5, 0.02)) < 0.002
    assert fit.confidence > 0.9


def test_lower_block_of_a_stack_is_found_from_its_sides_alone() -> None:
    (fit,) = fit_cluster(_block((-0.05, -0.6), 0.0, 0.0, "nsew"))
    assert fit.kind == "block"
    assert math.dist(fit.position, (-0.05, -0.6, 0.02)) < 0.002


def test_bowl_seen_only_on_its_front_half_keeps_its_centre() -> None:
    (fit,) = fit_cluster(_bowl((0.0, -0.5), (math.pi, 2 * math.pi)))
    assert fit.kind == "bowl"
    assert math.dist(fit.position[:2], (0.0, -0.5)) < 0.003


def test_block_in_a_bowl_of_its_own_colour_is_split_off() -> None:
    bowl = _bowl((0.1, -0.4))
    block = _block((0.11, -0.39), 0.006, 0.0, "t")
    fits = fit_cluster(Points.concat([bowl, block]))
    by_kind = {f.kind: f for f in fits}
    assert sorted(by_kind) == ["block", "bowl"]
    assert math.dist(by_kind["block"].position[:2], (0.11, -0.39)) < 0.003
    assert math.dist(by_kind["bowl"].position[:2], (0.1, -0.4)) < 0.003


def test_kind_given_by_a_mask_is_trusted() -> None:
    (fit,) = fit_cluster(_block((0.0, -0.5), 0.0, 0.0, "tnsew"), kind="block")
    assert fit.kind == "block"


def test_separate_objects_of_one_colour_become_separate_clusters() -> None:
    cloud = Points.concat([_block((-0.2, -0.5), 0.0, 0.0, "t"), _block((0.2, -0.5), 0.0, 0.0, "t")])
    assert len(clusters(cloud)) == 2
