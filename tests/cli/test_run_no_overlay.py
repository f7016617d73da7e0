"""``run --video FILE --no-overlay``: the same episode's video without caption bars."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np


def _first_frame(tmp_path: Path, *extra: str) -> np.ndarray:
    video = tmp_path / f"v{len(extra)}.mp4"
    command = [sys.executable, "-m", "codepolicy", "run", "pick-place", "--seed", "0"]
    done = subprocess.run(
        [*command, "--backend", "kinematic", "--video", str(video), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return np.asarray(next(iter(iio.imiter(video))))


def test_no_overlay_leaves_the_caption_bar_out(tmp_path: Path) -> None:
    captioned = _first_frame(tmp_path)
    plain = _first_frame(tmp_path, "--no-overlay")
    assert captioned.shape == plain.shape
    top = slice(0, captioned.shape[0] // 12)
    assert not np.array_equal(captioned[top], plain[top])  # the instruction bar is only drawn once
