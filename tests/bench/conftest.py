"""Shared helpers of the bench tests: a record factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from codepolicy.bench.record import EpisodeRecord, Round, episode_key


def build_record(
    scenario: str = "stack-blocks-seen",
    seed: int = 0,
    variant: str = "zero-shot",
    *,
    success: bool = False,
    status: str | None = None,
    executable: bool | None = None,
    family: str | None = None,
    rounds: list[Round] | None = None,
    **fields: Any,
) -> EpisodeRecord:
    """A valid record with sensible defaults; ``status`` follows ``success`` unless given."""
    status = status or ("success" if success else "failed")
    if executable is None:
        executable = status in ("success", "failed")
    data: dict[str, Any] = {
        "key": episode_key(scenario, seed, variant),
        "scenario": scenario,
        "family": family or scenario.rsplit("-", 1)[0],
        "instruction_split": "seen",
        "attribute_split": "seen",
        "difficulty": "easy",
        "seed": seed,
        "instruction": f"do {scenario}",
        "variant": variant,
        "planner": "llm",
        "model": "gpt-4o-mini",
        "backend": "kinematic",
        "status": status,
        "success": success,
        "executable": executable,
        "reward": 1.0 if success else 0.0,
        "rounds": rounds if rounds is not None else [],
    }
    if status == "crashed":
        data["crash"] = {"type": "SimError", "message": "pybullet died"}
        data["executable"] = False
    data.update(fields)
    return EpisodeRecord(**data)


@pytest.fixture
def make_record() -> Callable[..., EpisodeRecord]:
    """The :func:`build_record` factory."""
    return build_record
