"""Perception kinds by name, and an oracle episode that sees the world only through the cameras."""

from __future__ import annotations

import pytest

from codepolicy.envs.physics import PhysicsBackend
from codepolicy.oracle import oracle_program
from codepolicy.primitives.camera_perception import CameraPerception, MaskPerception
from codepolicy.primitives.perception import PrivilegedPerception
from codepolicy.primitives.perception_kinds import PERCEPTION_KINDS, make_perception
from codepolicy.runner.episode import run_episode
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
    }


@pytest.mark.timeout(240)
@pytest.mark.parametrize("scenario", ["blocks-matching-bowls-seen", "stack-blocks-unseen"])
def test_oracle_succeeds_seeing_only_through_the_cameras(scenario: str) -> None:
    episode = sample_episode(get_scenario(scenario), seed=1)
    backend = PhysicsBackend()
    try:
        feedback = run_episode(
            episode, oracle_program(episode), backend=backend, perception="camera"
        )
    finally:
        backend.close()
    assert feedback.success, feedback.explanation
