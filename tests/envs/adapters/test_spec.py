"""Declarative adapter specs: the shipped ones load, bad ones are refused naming file and field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from codepolicy.envs.adapters.spec import SpecError, get_spec, load_spec_file, spec_names
from codepolicy.envs.adapters.transform import FrameTransform, make_reader

SHIPPED = [
    "fetch-pick-and-place",
    "fetch-pick-and-place-air",
    "fetch-push",
    "metaworld-pick-place",
    "metaworld-push",
    "panda-pick-and-place",
    "panda-pick-and-place-air",
    "panda-push",
    "panda-reach",
    "panda-stack",
]


def test_every_issue_env_has_a_spec_with_named_objects() -> None:
    assert spec_names() == SHIPPED
    for name in SHIPPED:
        spec = get_spec(name)
        assert spec.name == name
        names = [o.name for o in spec.objects]
        assert "target" in names and len(set(names)) == len(names)
    assert [o.name for o in get_spec("panda-stack").objects] == [
        "blue cube",
        "green cube",
        "target",
    ]
    assert get_spec("panda-push").gripper is None  # the env blocks its gripper


def test_unknown_world_lists_the_shipped_ones() -> None:
    with pytest.raises(SpecError, match="unknown adapter world 'panda-slide'; shipped: fetch-pick"):
        get_spec("panda-slide")


def test_a_bad_spec_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    folder = resources.files("codepolicy.envs.adapters").joinpath("specs")
    text = folder.joinpath("panda-reach.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "mine.yaml"
    bad.write_text(text.replace("ee_position: observation[0:3]", "ee_position: observation(0:3)"))
    with pytest.raises(
        SpecError, match=r"mine.yaml: invalid adapter spec: ee_position: .*key\[i:j\]"
    ):
        load_spec_file(str(bad))
    bad.write_text(text + "speed_limit: 2\n")
    with pytest.raises(SpecError, match="speed_limit: Extra inputs are not permitted"):
        load_spec_file(str(bad))
    with pytest.raises(SpecError, match="cannot read"):
        load_spec_file(str(tmp_path / "missing.yaml"))


def test_readers_pick_slices_single_numbers_and_sums() -> None:
    obs = {"observation": np.arange(10.0)}
    assert make_reader("observation[2:5]")(obs).tolist() == [2.0, 3.0, 4.0]
    assert make_reader("observation[6]")(obs).tolist() == [6.0]
    assert make_reader("sum(observation[8:10])")(obs).tolist() == [17.0]
    with pytest.raises(ValueError, match="has only 10 numbers"):
        make_reader("observation[8:12]")(obs)


def test_frame_transform_turns_and_shifts_both_ways() -> None:
    t = FrameTransform(origin=(0.84, 0.75, 0.4), yaw_deg=-90)
    ours = t.to_ours((1.34, 0.75, 0.425))  # Fetch's table centre, cube resting on the table
    assert np.allclose(ours, (0.0, -0.5, 0.025))
    assert np.allclose(t.to_env(ours), (1.34, 0.75, 0.425))
    assert np.allclose(t.to_ours((1.34, 0.85, 0.4)), (0.1, -0.5, 0.0))  # env +y is our +x
