"""Videos of physics episodes play in real time: frames stream during motions, not once per call."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import pytest

from codepolicy.envs.backend import make_world
from codepolicy.oracle import oracle_program
from codepolicy.runner.episode import run_program
from codepolicy.runner.video import VideoRecorder
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode


@pytest.mark.slow
def test_physics_video_streams_frames_during_motion(tmp_path: Path) -> None:
    episode = sample_episode(get_scenario("pick-place"), 0)
    world = make_world("physics")
    path = tmp_path / "episode.mp4"
    recorder = VideoRecorder(path, fps=6, size=(160, 120))
    try:
        feedback = run_program(
            episode,
            oracle_program(episode),
            world,
            before_run=lambda: recorder.attach(world.scene),
        )
    finally:
        recorder.close()
        world.close()
    assert feedback.success
    frames = imageio.mimread(path)
    assert frames[0].shape == (120, 160, 3)
    assert len(frames) >= 6 * feedback.sim_time * 0.8 > len(feedback.steps) + 2
