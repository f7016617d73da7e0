"""ArUco-marked blocks: the marker table, marker textures and a cube mesh with per-face UVs.

A real lab that tracks its blocks with ArUco markers prints one marker per block and sticks it on
the block's top. The simulated lab does the same: every block gets a marker of
:data:`ARUCO_DICTIONARY` (4x4 bits, 50 ids) on its top face, and the other five faces keep the
block's colour. PyBullet's TinyRenderer spreads a texture over every face of a box shape, so the
block is drawn as an OBJ cube whose top face maps the marker half of a texture and whose other
faces map its plain half. The mesh and the textures are written by this module (no downloads) into
a cache directory, named by their content, so concurrent worlds share them safely.

Marker ids are deterministic and do not depend on the scenario: the block of the i-th colour of
:data:`codepolicy.envs.frame.COLORS` (``"blue block"`` ...) carries id i; blocks with other names get
the next free ids in sorted order. Bowls carry no marker.

Example:
    >>> marker_ids([("red block", "block", "red"), ("blue bowl", "bowl", "blue"),
    ...             ("big block", "block", "blue")])
    {'red block': 1, 'big block': 10}
    >>> texture = marker_texture(1, (1.0, 0.0, 0.0, 1.0))
    >>> texture.shape
    (120, 240, 3)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from codepolicy.envs.frame import COLORS, object_name

ARUCO_DICTIONARY = cv2.aruco.DICT_4X4_50
"""The marker family: 4x4 bits, ids 0-49 (printable at 3 cm and decodable from ~12 px)."""
MARKER_IDS = 50
"""Ids the dictionary has."""
MARKER_FRACTION = 0.8
"""Side of the marker's black square as a fraction of the block's top face; the rest is a white
quiet zone, which the detector needs around a marker."""
CELL_PX = 16
"""Texture pixels per marker cell (6 cells across: 4 bits and a black border on each side)."""

MARKER_CACHE_ENV = "CODEPOLICY_MARKER_DIR"
"""Environment variable overriding where marker meshes and textures are written."""


@dataclass(frozen=True)
class MarkedBlock:
    """What a marker id stands for: the block's name and colour (a lab's printed marker list)."""

    name: str
    color: str


def marker_table(objects: Sequence[tuple[str, str, str]]) -> dict[int, MarkedBlock]:
    """Marker id -> the block carrying it, for ``(name, kind, color)`` objects (see
    :func:`marker_ids`)."""
    colors = {name: color for name, _, color in objects}
    return {marker: MarkedBlock(name, colors[name]) for name, marker in marker_ids(objects).items()}


def marker_ids(objects: Sequence[tuple[str, str, str]]) -> dict[str, int]:
    """The marker id of every block among ``(name, kind, color)`` objects (bowls carry none).

    Raises:
        ValueError: more blocks than the dictionary has ids.
    """
    palette = list(COLORS)
    table: dict[str, int] = {}
    rest: list[str] = []
    for name, kind, color in objects:
        if kind != "block":
            continue
        if color in palette and name == object_name(color, "block"):
            table[name] = palette.index(color)
        else:
            rest.append(name)
    free = (i for i in range(len(palette), MARKER_IDS) if i not in table.values())
    for name in sorted(rest):
        marker = next(free, None)
        if marker is None:
            raise ValueError(f"more blocks than the {MARKER_IDS} ArUco marker ids: {name!r}")
        table[name] = marker
    return {name: table[name] for name, _, _ in objects if name in table}


def marker_image(marker_id: int, cell_px: int = CELL_PX) -> np.ndarray:
    """The marker's black-and-white square (uint8, 6 * ``cell_px`` pixels across)."""
    dictionary = cv2.aruco.getPredefinedDictionary(ARUCO_DICTIONARY)
    return np.asarray(cv2.aruco.generateImageMarker(dictionary, marker_id, 6 * cell_px))


def marker_texture(
    marker_id: int, rgba: tuple[float, float, float, float], cell_px: int = CELL_PX
) -> np.ndarray:
    """The texture of one block (RGB uint8, twice as wide as high).

    The left square is the top face: the marker in a white quiet zone. The right square is the
    block's colour, which the other faces map.
    """
    marker = marker_image(marker_id, cell_px)
    face = round(marker.shape[0] / MARKER_FRACTION)
    top = np.full((face, face), 255, dtype=np.uint8)
    start = (face - marker.shape[0]) // 2
    top[start : start + marker.shape[0], start : start + marker.shape[0]] = marker
    colour = np.array([round(c * 255) for c in rgba[:3]], dtype=np.uint8)
    side = np.broadcast_to(colour, (face, face, 3))
    return np.concatenate([np.repeat(top[:, :, None], 3, axis=2), side], axis=1)


def cube_obj(size: float) -> str:
    """An OBJ cube of edge ``size`` centred at the origin, with per-face UVs: the top face (+z)
    maps the left half of the texture (x to the right, y up), the other faces a patch in the
    middle of its right half."""
    h = size / 2
    corners = [(x, y, z) for z in (-h, h) for y in (-h, h) for x in (-h, h)]
    lines = ["# ArUco-marked block, written by codepolicy.envs.marker_mesh"]
    lines += [f"v {x:.6f} {y:.6f} {z:.6f}" for x, y, z in corners]
    lines += ["vt 0 0", "vt 0.5 0", "vt 0.5 1", "vt 0 1"]  # top face: the marker
    lines += ["vt 0.65 0.15", "vt 0.85 0.15", "vt 0.85 0.85", "vt 0.65 0.85"]  # plain colour
    normals = [(0, 0, 1), (0, 0, -1), (1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0)]
    lines += [f"vn {x} {y} {z}" for x, y, z in normals]

    def index(x: int, y: int, z: int) -> int:  # 1-based OBJ vertex index of corner (x, y, z)
        return 1 + x + 2 * y + 4 * z

    faces = [  # counter-clockwise seen from outside, with their normal's index
        ([index(0, 0, 1), index(1, 0, 1), index(1, 1, 1), index(0, 1, 1)], 1, True),
        ([index(0, 0, 0), index(0, 1, 0), index(1, 1, 0), index(1, 0, 0)], 2, False),
        ([index(1, 0, 0), index(1, 1, 0), index(1, 1, 1), index(1, 0, 1)], 3, False),
        ([index(0, 0, 0), index(0, 0, 1), index(0, 1, 1), index(0, 1, 0)], 4, False),
        ([index(0, 1, 0), index(0, 1, 1), index(1, 1, 1), index(1, 1, 0)], 5, False),
        ([index(0, 0, 0), index(1, 0, 0), index(1, 0, 1), index(0, 0, 1)], 6, False),
    ]
    for quad, normal, top in faces:
        uv = [1, 2, 3, 4] if top else [5, 6, 7, 8]
        a, b, c, d = (f"{v}/{t}/{normal}" for v, t in zip(quad, uv, strict=True))
        lines += [f"f {a} {b} {c}", f"f {a} {c} {d}"]
    return "\n".join(lines) + "\n"


def marker_cache_dir() -> Path:
    """``$CODEPOLICY_MARKER_DIR``, else a per-user directory under the system's temporary one."""
    if os.environ.get(MARKER_CACHE_ENV):
        return Path(os.environ[MARKER_CACHE_ENV])
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"codepolicy-markers-{uid}"


def _write_once(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """``data`` in ``directory`` under a name of its content; written atomically if missing."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = directory / f"{stem}-{digest}{suffix}"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    return path


def cube_mesh_file(size: float, directory: Path | None = None) -> Path:
    """The OBJ file of :func:`cube_obj` for ``size``, written into the marker cache if missing."""
    return _write_once(directory or marker_cache_dir(), "cube", ".obj", cube_obj(size).encode())


def texture_file(
    marker_id: int, rgba: tuple[float, float, float, float], directory: Path | None = None
) -> Path:
    """The PNG file of :func:`marker_texture`, written into the marker cache if missing."""
    rgb = marker_texture(marker_id, rgba)
    ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError(f"could not encode the texture of marker {marker_id}")
    name = f"marker{marker_id}"
    return _write_once(directory or marker_cache_dir(), name, ".png", png.tobytes())


def marked_block_visual(
    client: Any, size: float, marker_id: int, rgba: tuple[float, float, float, float]
) -> tuple[int, int]:
    """A visual shape of a marked block and its texture in ``client``: ``(shape, texture)``.

    Apply the texture to the body after creating it
    (``changeVisualShape(body, -1, textureUniqueId=texture)``).
    """
    pb = client
    mesh = cube_mesh_file(size)
    shape = pb.createVisualShape(pb.GEOM_MESH, fileName=str(mesh), rgbaColor=(1, 1, 1, 1))
    texture = pb.loadTexture(str(texture_file(marker_id, rgba)))
    return shape, texture
