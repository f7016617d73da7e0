"""``run_benchmark(settings) -> Summary``: ``codepolicy bench`` as a library function.

It selects the scenarios, plans the paired scenario × seed × variant tasks, writes the manifest,
runs the episodes not yet done on an executor (this process, worker processes, Ray), streams every
record to ``results.jsonl`` and rebuilds the summary and the report. Bad settings raise
:class:`~codepolicy.errors.ConfigError` before anything runs; a configuration error met inside a
worker is recorded in that episode's record with its message.

Example:
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> summary = run_benchmark(BenchmarkSettings(
    ...     suites=["pick-place-seen"], seeds=[0], backend="kinematic", out=out))
    >>> summary.overall.n, summary.overall.success.k
    (1, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codepolicy.bench.executors import EXECUTORS
from codepolicy.bench.grid import Cell, apply_cell, cell_label, check_grid, grid_cells
from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.runner import run_settings
from codepolicy.bench.summary import Summary
from codepolicy.bench.tasks import (
    VIDEO_MODES,
    BenchSettings,
    EpisodeTask,
    plan_tasks,
    select_scenarios,
)
from codepolicy.errors import ConfigError

if TYPE_CHECKING:
    from codepolicy.robot.bench_remote import RemoteBench


@dataclass
class BenchmarkSettings:
    """Everything a benchmark run needs.

    Attributes:
        suites: Scenario names, family names, globs or files (empty: every shipped scenario).
        splits: ``seen``, ``unseen``, ``seen-instructions``, ``unseen-instructions`` filters.
        seeds: Episode seeds of every scenario.
        variants: Label → prompt variant or file (the ``llm`` planner); the oracle has one.
        planner, backend, profile, perception: As in :class:`~codepolicy.pipeline.RunSettings`.
        remote: The robot of ``backend="remote"``
            (:class:`~codepolicy.robot.bench_remote.RemoteBench`); its episodes run one by one.
        llm: :class:`~codepolicy.planning.planners.LLMOptions` fields without the prompt.
        out: Run directory.
        resume: Run only the episodes not yet in ``out``.
        workers: Parallel worker processes.
        executor: ``local`` or ``ray``.
        ray_address: A Ray cluster address (``ray``).
        video: ``none``, ``failures`` or ``all``.
        max_concurrent_llm: Model requests in flight at once (0: no limit).
        prices: A price table file for the cost columns.
        program: Program source every episode runs (planner ``program``).
        grid: Axis -> values of a grid run (:mod:`codepolicy.bench.grid`); every cell is a
            variant, run on the same scenario × seed episodes.
        skill_library: Skill library file whose functions the model may call (the ``skills=on``
            cells of a grid; every episode without a ``skills`` axis).
    """

    suites: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    seeds: list[int] = field(default_factory=lambda: list(range(10)))
    variants: dict[str, str | None] = field(default_factory=dict)
    planner: str = "oracle"
    backend: str = "physics"
    remote: RemoteBench | None = None
    profile: str = "default"
    perception: str = "privileged"
    llm: dict[str, Any] = field(default_factory=dict)
    out: Path = Path("runs/bench")
    resume: bool = False
    workers: int = 1
    executor: str = "local"
    ray_address: str | None = None
    video: str = "none"
    max_concurrent_llm: int = 0
    prices: Path | None = None
    program: str | None = None
    grid: dict[str, list[str]] = field(default_factory=dict)
    skill_library: str | None = None

    def check(self) -> None:
        """Raise :class:`ConfigError` for unknown names, bad numbers or conflicting options."""
        if self.executor not in EXECUTORS:
            raise ConfigError(
                f"unknown executor '{self.executor}'; choose one of: {', '.join(EXECUTORS)}"
            )
        if self.video not in VIDEO_MODES:
            raise ConfigError(
                f"unknown video mode '{self.video}'; choose one of: {', '.join(VIDEO_MODES)}"
            )
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {self.workers}")
        _check_remote(self)
        if not self.seeds or any(s < 0 for s in self.seeds):
            raise ConfigError("the seeds must be one or more non-negative integers")
        if self.planner != "llm" and self.llm:
            raise ConfigError(
                f"model options need --planner llm; planner '{self.planner}' would ignore them"
            )
        if self.skill_library is not None:
            if self.planner == "oracle":
                raise ConfigError(
                    "--skill-library offers functions to a model; the oracle planner has none"
                )
            if not Path(self.skill_library).is_file():
                raise ConfigError(f"--skill-library {self.skill_library}: file not found")
        if self.grid:
            check_grid(
                self.grid,
                planner=self.planner,
                backend=self.backend,
                skill_library=self.skill_library,
                variants=len(self.variants) if self.planner == "llm" else 1,
            )
        base = self.episode_settings()
        for cell in grid_cells(self.grid) if self.grid else [()]:
            episode = apply_cell(base, cell)
            for prompt in self.variants.values() if self.planner == "llm" else [None]:
                task = EpisodeTask("", 0, "", prompt)
                run_settings(task, episode, episode.backend).check()

    def plan_variants(self) -> tuple[dict[str, str | None], dict[str, Cell]]:
        """(variant label -> prompt, variant label -> grid cell) of the run's episodes."""
        if self.planner == "llm":
            variants = self.variants
        elif self.planner == "program":
            variants = self.variants or {"program": None}
        else:
            variants = {"oracle": None}
        if not self.grid:
            return variants, {}
        prompt = next(iter(variants.values()), None)
        cells = {cell_label(c): c for c in grid_cells(self.grid)}
        return dict.fromkeys(cells, prompt), cells

    def episode_settings(self) -> BenchSettings:
        """The picklable per-episode part that crosses to worker processes."""
        return BenchSettings(
            planner=self.planner,
            backend=self.backend,
            remote=self.remote,
            profile=self.profile,
            perception=self.perception,
            out=str(self.out),
            video=self.video,
            llm={**self.llm, "profile": self.profile} if self.llm else {},
            max_concurrent_llm=self.max_concurrent_llm,
            program=self.program,
            skill_library=self.skill_library,
        )


def run_benchmark(
    settings: BenchmarkSettings,
    *,
    on_record: Callable[[EpisodeRecord], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_plan: Callable[[list[str]], None] | None = None,
    console: Any = None,
) -> Summary:
    """Run a benchmark and return its summary (also written to ``out/summary.json``).

    Args:
        on_record: Called with every record as it is stored (progress display).
        on_start: Called once with (episodes in the run, episodes already done).
        on_plan: Called once with the names of the chosen scenarios.
        console: A rich console to print the summary table on.

    Raises:
        ConfigError: bad settings, a suite matching nothing, scenarios the oracle planner
            cannot run (no reference program), results already in ``out`` without ``resume``, a
            resume with different settings, an unreadable results file.
    """
    from codepolicy.bench.provenance import manifest_differences, read_manifest, write_manifest
    from codepolicy.bench.report import RebuildError, rebuild
    from codepolicy.bench.store import ResultsFileError, ResultsStore, done_keys
    from codepolicy.scenario.errors import ScenarioError

    settings.check()
    variants, cells = settings.plan_variants()
    try:
        scenarios = select_scenarios(list(settings.suites), list(settings.splits))
    except (ScenarioError, ValueError) as exc:
        raise ConfigError(str(exc)) from None
    if not scenarios:
        raise ConfigError("no scenario matches the --suite / --split filters")
    if settings.planner == "oracle":
        _check_oracles(scenarios)
    if on_plan is not None:
        on_plan([name for name, _ in scenarios])
    out = Path(settings.out)
    existing = out / "results.jsonl"
    if existing.exists() and existing.stat().st_size > 0 and not settings.resume:
        raise ConfigError(
            f"{out} already holds results; pass --resume to finish that run, or choose another --out"
        )
    try:
        done = done_keys(out) if settings.resume else set()
    except ResultsFileError as exc:
        raise ConfigError(str(exc)) from None
    episode = settings.episode_settings()
    tasks = plan_tasks(scenarios, settings.seeds, variants, cells)
    manifest = _manifest(settings, episode, settings.variants if cells else variants)
    previous = read_manifest(out) if settings.resume else None
    if previous is not None:
        changed = [
            d
            for d in manifest_differences(previous, manifest)
            if "argv" not in d and "created_at" not in d and "workers" not in d
        ]
        if changed:
            raise ConfigError(
                "--resume with different settings would mix results: " + "; ".join(changed)
            )
    else:
        write_manifest(out, manifest)
    todo = [t for t in tasks if t.key not in done]
    if on_start is not None:
        on_start(len(tasks), len(tasks) - len(todo))
    store = ResultsStore(out)
    try:
        for record in _records(todo, episode, settings):
            store.append(record)
            if on_record is not None:
                on_record(record)
    except RuntimeError as exc:  # the executor cannot start (Ray missing)
        raise ConfigError(str(exc)) from None
    try:
        return rebuild(out, prices_file=settings.prices, console=console)
    except RebuildError as exc:
        raise ConfigError(str(exc)) from None


def _check_remote(settings: BenchmarkSettings) -> None:
    """Refuse what a remote robot cannot honour (parallel workers, Ray, videos...)."""
    if settings.remote is None and settings.backend != "remote":
        return
    from codepolicy.robot.bench_remote import check_remote

    check_remote(
        settings.remote,
        backend=settings.backend,
        workers=settings.workers,
        executor=settings.executor,
        video=settings.video,
        planner=settings.planner,
    )


def _check_oracles(scenarios: list[tuple[str, str]]) -> None:
    """Refuse a plan the oracle planner cannot run: every scenario needs a reference program."""
    from codepolicy.oracle import oracle_problem
    from codepolicy.scenario.catalog import load_scenario

    problems = []
    for name, source in scenarios:
        split: Literal["seen", "unseen"] = "unseen" if name.endswith("-unseen") else "seen"
        scenario = load_scenario(source, split) if source != name else load_scenario(name)
        spec = scenario.spec
        problem = oracle_problem(spec.oracle_name, spec.variables, name)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise ConfigError(
            f"the oracle planner cannot run {len(problems)} of the {len(scenarios)} chosen "
            f"scenarios: {'; '.join(problems)}. Benchmark a program of yours with --program FILE, "
            "or a model with --planner llm"
        )


def _records(
    todo: list[Any], episode: BenchSettings, settings: BenchmarkSettings
) -> Iterator[EpisodeRecord]:
    from codepolicy.bench.executors import run_local, run_ray

    if settings.remote is not None and todo:
        from codepolicy.bench.runner import use_world
        from codepolicy.robot.bench_remote import open_robot

        use_world("remote", open_robot(settings.remote, settings.planner))  # ConfigError first
    if settings.executor == "ray":
        return run_ray(todo, episode, settings.workers, address=settings.ray_address)
    return run_local(todo, episode, settings.workers)


def _skill_library(path: str | None) -> dict[str, Any]:
    """The manifest's record of the skill library: its path and sha256 (nothing without one)."""
    if path is None:
        return {}
    from codepolicy.skills.use import file_sha256

    return {"skill_library": {"path": path, "sha256": file_sha256(path)}}


def _manifest(
    settings: BenchmarkSettings, episode: BenchSettings, variants: dict[str, str | None]
) -> Any:
    from codepolicy.bench.provenance import make_manifest
    from codepolicy.bench.tasks import settings_dict
    from codepolicy.prompts.render import contaminated_families, template_sources

    prompts: dict[str, str | Path] = {
        f"{label}/{name}": source
        for label, variant in variants.items()
        if variant
        for name, source in template_sources(variant).items()
    }
    if settings.skill_library is not None:
        prompts["skill_library"] = Path(settings.skill_library)
    contaminated = {
        name: families
        for name, variant in variants.items()
        if variant and (families := contaminated_families(variant))
    }
    return make_manifest(
        models=[episode.llm["model"]] if episode.llm else [],
        prompts=prompts,
        settings={
            **settings_dict(episode),
            "workers": settings.workers,
            "executor": settings.executor,
            "contaminated_variants": contaminated,
            "grid": settings.grid,
            **_skill_library(episode.skill_library),
        },
    )
