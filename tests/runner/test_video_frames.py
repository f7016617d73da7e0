"""What a person sees in an episode video: the scene at frame 0, the arm in view, captions, cheap
discards, and a kinematic video that shows each motion with labelled objects."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest

from codepolicy.envs.backend import ObjectSpawn, make_world
from codepolicy.envs.camera import VIDEO_CAMERA, extrinsics, intrinsics
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.state import ObjectState, SceneState
from codepolicy.oracle import oracle_program
from codepolicy.runner.episode import run_program
from codepolicy.runner.schematic import draw_scene
from codepolicy.runner.snapshots import PoseSource
from codepolicy.runner.video import VideoRecorder
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode

SIZE = (320, 240)


def _saturated(image: np.ndarray) -> int:
    """Pixels with a strong colour (blocks and bowls; the table, arm and floor are grey)."""
    rgb = image.astype(int)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 80).sum())


def _record(kind: str, tmp_path: Path, **kwargs: object) -> tuple[list[np.ndarray], object]:
    episode = sample_episode(get_scenario("pick-place"), 0)
    world = make_world(kind)
    recorder = VideoRecorder(tmp_path / f"{kind}.mp4", size=SIZE, **kwargs)  # type: ignore[arg-type]
    recorder.attach(world.scene)  # before the reset, as `codepolicy run` does
    try:
        feedback = run_program(episode, oracle_program(episode), world, on_event=recorder.step)
        recorder.close(outcome="success")
    finally:
        world.close()
    assert feedback.success
    return imageio.mimread(tmp_path / f"{kind}.mp4", memtest=False), recorder


@pytest.mark.slow
def test_first_physics_frame_shows_the_objects_not_an_empty_table(tmp_path: Path) -> None:
    frames, _ = _record("physics", tmp_path, overlay=False)
    empty = make_world("physics").robot.unwrapped
    try:
        empty.reset([], seed=0)
        table = PoseSource(empty.world).render([PoseSource(empty.world).take()], SIZE)[0]
    finally:
        empty.close()
    assert _saturated(table) < 20
    # A block and its target are visible from the first frame on.
    assert _saturated(frames[0]) > 3 * max(_saturated(table), 15)


@pytest.mark.slow
def test_captions_name_the_instruction_and_the_running_step(tmp_path: Path) -> None:
    frames, recorder = _record("physics", tmp_path, instruction="put the block somewhere")
    bar = int(SIZE[1] * 0.06)
    first, middle, last = frames[0], frames[len(frames) // 2], frames[-1]
    # The instruction bar is the same on every frame; the step bar changes as steps run.
    assert np.abs(first[:bar].astype(int) - last[:bar].astype(int)).mean() < 4
    assert np.abs(first[-bar:].astype(int) - middle[-bar:].astype(int)).mean() > 2
    plain, _ = _record("physics", tmp_path / "plain", overlay=False)
    assert np.abs(plain[0][:bar].astype(int) - first[:bar].astype(int)).mean() > 20
    assert recorder.frames == len(frames)  # type: ignore[attr-defined]


def test_video_camera_frames_the_whole_workspace_and_the_arm_at_home() -> None:
    world = make_world("physics").robot.unwrapped
    try:
        world.reset([], seed=0)
        pb, body = world.world.client, world.world.robot.body  # type: ignore[attr-defined]
        links = [pb.getLinkState(body, j)[0] for j in range(pb.getNumJoints(body))]
    finally:
        world.close()
    corners = [(x, y, 0.0) for x in (-0.3, 0.3) for y in (-0.2, -0.8)]
    points = np.array([*links, *corners])
    w, h = 640, 480
    cam = np.linalg.inv(extrinsics(VIDEO_CAMERA))
    local = points @ cam[:3, :3].T + cam[:3, 3]
    uv = local @ intrinsics(VIDEO_CAMERA, w, h).T
    u, v = uv[:, 0] / uv[:, 2], uv[:, 1] / uv[:, 2]
    assert (local[:, 2] > 0).all()
    assert (u > 0).all() and (u < w).all()
    assert (v > 0.1 * h).all() and (v < 0.92 * h).all()  # clear of the caption bars


def test_discarded_video_renders_nothing_and_writes_no_file(tmp_path: Path) -> None:
    world = KinematicBackend()
    recorder = VideoRecorder(tmp_path / "dropped.mp4", size=SIZE)
    recorder.attach(world)
    world.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    world.move_tcp((0.1, -0.5, 0.02))
    rendered: list[int] = []
    source = recorder._source
    assert source is not None
    original = source.render
    source.render = lambda snaps, size: rendered.append(len(snaps)) or original(snaps, size)  # type: ignore[method-assign]
    recorder.close(keep=False)
    assert not (tmp_path / "dropped.mp4").exists()
    assert rendered == [] and recorder.frames == 0


def test_kinematic_video_shows_each_motion_with_named_objects(tmp_path: Path) -> None:
    frames, _ = _record("kinematic", tmp_path, overlay=False)
    # Instant motions get in-between frames at their speed: far more frames than calls.
    assert len(frames) > 60
    changed = [
        int((np.abs(frames[i].astype(int) - frames[i - 1]).sum(axis=2) > 60).sum())
        for i in range(1, len(frames))
    ]
    assert sum(n > 10 for n in changed) > 30  # the gripper visibly moves on many frames


def test_schematic_writes_each_name_under_its_object() -> None:
    block = ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), (0.04, 0.04, 0.04))
    named = draw_scene(SceneState(objects={block.name: block}), (640, 480))
    renamed = draw_scene(
        SceneState(objects={"x": ObjectState("x", "block", "red", block.position, block.size)}),
        (640, 480),
    )
    rows, cols = np.nonzero(np.abs(named.astype(int) - renamed).sum(axis=2))
    # The label is the only difference and sits just below the block, centred on it.
    assert rows.size > 0
    assert rows.min() > 240 and rows.max() < 300 and abs(cols.mean() - 320) < 30
