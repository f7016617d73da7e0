"""`codepolicy run --video` writes a video with the instruction, the steps and the outcome on it."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import numpy as np
from typer.testing import CliRunner

from codepolicy.cli.main import app


def test_run_video_has_captions_from_first_to_last_frame(tmp_path: Path) -> None:
    path = tmp_path / "episode.mp4"
    args = ["run", "pick-place", "--backend", "kinematic", "--video", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    frames = imageio.mimread(path, memtest=False)
    assert frames[0].shape == (480, 640, 3) and len(frames) > 30
    band = slice(-20, None)
    for frame in (frames[0], frames[len(frames) // 2], frames[-1]):
        assert frame[:20].mean() < 120  # the instruction bar (the scene there is light grey)
        assert frame[band].mean() < 120  # the step / outcome bar
    # The caption of the last frame (the outcome) differs from the one during the steps.
    assert np.abs(frames[-1][band].astype(int) - frames[len(frames) // 2][band]).mean() > 1
