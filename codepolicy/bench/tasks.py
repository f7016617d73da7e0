"""What a benchmark runs: its settings, the scenarios its suites select, and the episode tasks.

An episode task is scenario × seed × variant; variants (e.g. prompt variants) share the same seeds,
so comparisons are paired.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codepolicy.bench.record import episode_key

if TYPE_CHECKING:
    from codepolicy.robot.bench_remote import RemoteBench

VIDEO_MODES = ("none", "failures", "all")
SPLITS = ("seen", "unseen", "seen-instructions", "unseen-instructions")


@dataclass(frozen=True)
class BenchSettings:
    """How every episode of a run is executed (picklable: it crosses to worker processes).

    Attributes:
        planner: ``"oracle"``, ``"llm"`` or a plugin's planner.
        backend: ``"physics"``, ``"kinematic"`` or a plugin's backend.
        remote: The robot of ``backend="remote"`` (address, key file, grading, gate).
        profile: Primitive profile every program runs with.
        perception: Perception kind of the primitives, prompts and feedback.
        out: Run directory.
        video: ``"none"``, ``"failures"`` or ``"all"``.
        llm: Model options as a dict of :class:`~codepolicy.planning.planners.LLMOptions` fields,
            without the prompt (each variant sets it).
        max_concurrent_llm: Model requests in flight at once across all workers (0: no limit).
        program: Program source every episode runs (the ``program`` planner, ``--program FILE``).
        skill_library: Skill library file whose functions the model may call (None: none).
    """

    planner: str = "oracle"
    backend: str = "physics"
    remote: RemoteBench | None = None
    profile: str = "default"
    perception: str = "privileged"
    out: str = "runs/bench"
    video: str = "none"
    llm: dict[str, Any] = field(default_factory=dict)
    max_concurrent_llm: int = 0
    program: str | None = None
    skill_library: str | None = None


@dataclass(frozen=True)
class EpisodeTask:
    """One episode to run.

    Attributes:
        scenario: The scenario's name (as records carry it).
        seed: Episode seed.
        variant: Label of the compared variant.
        prompt: Prompt variant or file of that variant (LLM planner).
        source: Where the scenario comes from: its name, or a scenario file path.
        cell: The grid cell of the variant, (axis, value) pairs (empty outside a grid run).
    """

    scenario: str
    seed: int
    variant: str
    prompt: str | None = None
    source: str = ""
    cell: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The record key this task produces."""
        return episode_key(self.scenario, self.seed, self.variant)


def select_scenarios(suites: list[str], splits: list[str]) -> list[tuple[str, str]]:
    """(name, source) of the scenarios chosen by ``--suite`` values and ``--split`` filters.

    A suite is a scenario name, a family name, a glob over names (``stack-*``, ``panda-*``: the
    adapter worlds' scenarios match too) or a scenario file; no suite means every shipped scenario
    of our tabletop (adapter worlds need their extras installed, so they are chosen by name).

    Raises:
        ValueError: a suite matches nothing, or an unknown split (the message lists the options).
    """
    from codepolicy.scenario.catalog import (
        adapter_scenarios,
        list_scenarios,
        load_scenario,
        looks_like_path,
    )

    for split in splits:
        if split not in SPLITS:
            raise ValueError(f"unknown split '{split}'; choose from: {', '.join(SPLITS)}")
    catalog = [*list_scenarios(), *(adapter_scenarios() if suites else ())]
    chosen: dict[str, tuple[str, Any]] = {}
    for suite in suites or ["*"]:
        if looks_like_path(suite) and Path(suite).exists():
            for scenario in load_family_scenarios(suite):
                chosen.setdefault(scenario.name, (suite, scenario))
            continue
        matches = [s for s in catalog if fnmatch.fnmatch(s.name, suite)]
        matches = matches or [s for s in catalog if fnmatch.fnmatch(s.spec.family, suite)]
        if not matches:
            matches = [load_scenario(suite)]  # family names and gym ids resolve here
        for scenario in matches:
            chosen.setdefault(scenario.name, (scenario.name, scenario))
    picked = []
    for name, (source, scenario) in chosen.items():
        tags = {scenario.attribute_split, f"{scenario.spec.instruction_split}-instructions"}
        if not splits or tags & set(splits):
            picked.append((name, source))
    return picked


def load_family_scenarios(path: str) -> list[Any]:
    """Both splits of a scenario file."""
    from codepolicy.scenario.loader import load_family

    return list(load_family(path).scenarios())


def plan_tasks(
    scenarios: list[tuple[str, str]],
    seeds: list[int],
    variants: dict[str, str | None],
    cells: dict[str, tuple[tuple[str, str], ...]] | None = None,
) -> list[EpisodeTask]:
    """Every scenario × seed × variant, one variant after another.

    A local model server (llama.cpp, Ollama) keeps the prompt prefix of its last request cached;
    interleaving the variants changed the system prompt on every request, so each one paid for
    the prefill from the first difference on (llama.cpp, 1.5B model, three prompt variants: 73% of
    prompt tokens were prefix-cache hits interleaved, 87% one variant after another). Episodes
    are paired by scenario and seed when the statistics are computed, so the order does not
    change them.

    Args:
        cells: Variant label -> its grid cell, for a grid run.
    """
    cells = cells or {}
    return [
        EpisodeTask(name, seed, label, prompt, source, cells.get(label, ()))
        for label, prompt in variants.items()
        for name, source in scenarios
        for seed in seeds
    ]


def settings_dict(settings: BenchSettings) -> dict[str, Any]:
    """Settings as plain data for the manifest."""
    return asdict(settings)
