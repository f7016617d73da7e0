"""Perception kinds by name, and an oracle episode that sees the world only through the cameras."""

from __future__ import annotations

import pytest

from codepolicy.envs.physics import PhysicsBackend
from codepolicy.oracle import oracle_program
from codepolicy.primitives.aruco_perception import ArucoPerception
from codepolicy.primitives.camera_perception import CameraPerception, MaskPerception
from codepolicy.primitives.perception import PrivilegedPerception
from codepolicy.primitives.perception_kinds import (
    PERCEPTION_KINDS,
    camera_kind,
    make_perception,
    mask_kind,
)
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode


def test_every_kind_builds_on_physics() -> None:
    backend = PhysicsBackend()
    try:
        built = {kind: type(make_perception(kind, backend)) for kind in PERCEPTION_KINDS}
    finally:
        backend.close()
    assert built == {
        "privileged": PrivilegedPerception,
        "noisy": PrivilegedPerception,
        "mask": MaskPerception,
        "camera": CameraPerception,
        "aruco": ArucoPerception,
    }


@pytest.mark.timeout(240)
@pytest.mark.parametrize("scenario", ["blocks-matching-bowls-seen", "stack-blocks-unseen"])
def test_oracle_succeeds_seeing_only_through_the_cameras(scenario: str) -> None:
    episode = sample_episode(get_scenario(scenario), seed=1)
    backend = PhysicsBackend()
    try:
        feedback = run_program(episode, oracle_program(episode), backend, perception="camera")
    finally:
        backend.close()
    assert feedback.success, feedback.explanation


def test_registry_shaped_factories_take_rig_options_and_refuse_unknown_ones() -> None:
    backend = PhysicsBackend()
    try:
        camera = camera_kind(backend, seed=3, width=160, height=120, shadows=True)
        assert isinstance(camera, CameraPerception)
        assert (camera.rig.width, camera.rig.height, camera.rig.shadows) == (160, 120, True)
        assert isinstance(mask_kind(backend), MaskPerception)
        with pytest.raises(ValueError, match="takes only width, height and shadows, got: fov"):
            camera_kind(backend, fov=30)
        with pytest.raises(ValueError, match=r"width must be pixels in \[32, 4096\], got 0"):
            mask_kind(backend, width=0)
    finally:
        backend.close()
