"""``codepolicy bench``: run many episodes, stream results, print honest statistics, write a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from codepolicy.cli import options as opts
from codepolicy.cli.common import fail
from codepolicy.cli.doctor import REQUIRE_JAIL_HELP, apply_require_jail
from codepolicy.cli.planner_setup import LLMOptions
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL
from codepolicy.llm.base import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S

if TYPE_CHECKING:
    from codepolicy.bench.tasks import BenchSettings, EpisodeTask


def _seeds(seeds: int | None, seed_list: str | None) -> list[int]:
    if seeds is not None and seed_list is not None:
        fail("--seeds and --seed-list exclude each other")
    if seed_list is not None:
        try:
            values = [int(s) for s in seed_list.replace(" ", "").split(",") if s]
        except ValueError:
            fail(f"--seed-list must be comma-separated integers, got '{seed_list}'")
        if not values or any(v < 0 for v in values):
            fail("--seed-list needs non-negative integers")
        return list(dict.fromkeys(values))
    count = 10 if seeds is None else seeds
    if count < 1:
        fail(f"--seeds must be at least 1, got {count}")
    return list(range(count))


def _variants(planner: str, prompt: str) -> dict[str, str | None]:
    if planner == "oracle":
        return {"oracle": None}
    variants: dict[str, str | None] = {}
    for item in [p.strip() for p in prompt.split(",") if p.strip()]:
        label = Path(item).stem if Path(item).suffix else item
        if label in variants:
            fail(f"--prompt names the variant '{label}' twice")
        variants[label] = item
    if not variants:
        fail("--prompt needs at least one variant")
    return variants


def bench(
    suite: list[str] = typer.Option([], "--suite", help="Scenario name, glob or file (repeat)."),
    split: list[str] = typer.Option([], "--split", help="seen, unseen, seen-/unseen-instructions."),
    seeds: int | None = typer.Option(None, "--seeds", help="Seeds 0..N-1 (default 10)."),
    seed_list: str | None = typer.Option(None, "--seed-list", help="Seeds, e.g. 3,5,8."),
    planner: str = typer.Option("oracle", "--planner", help="oracle or llm."),
    model: opts.Model = None,
    base_url: opts.BaseUrl = None,
    provider: opts.Provider = "openai",
    prompt: str = typer.Option("zero-shot", "--prompt", help="Variant[,Variant...] or files."),
    profile: opts.Profile = "default",
    replan: opts.Replan = "none",
    max_rounds: opts.MaxRounds = 3,
    n: opts.Candidates = 4,
    temperature: opts.Temperature = 0.0,
    backend: opts.Backend = "physics",
    workers: int = typer.Option(1, "--workers", help="Parallel worker processes."),
    executor: str = typer.Option("local", "--executor", help="local or ray."),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Ray cluster address."),
    max_concurrent_llm: int = typer.Option(
        0, "--max-concurrent-llm", help="Model requests in flight at once (0: no limit)."
    ),
    out: Path = typer.Option(Path("runs/bench"), "--out", help="Run directory."),
    resume: bool = typer.Option(False, "--resume", help="Run only episodes not yet in --out."),
    video: str = typer.Option("none", "--video", help="none, failures or all."),
    prices: Path | None = typer.Option(None, "--prices", help="Price table (JSON/YAML)."),
    no_cache: opts.NoCache = False,
    replay_file: opts.ReplayFile = None,
    timeout: opts.Timeout = DEFAULT_TIMEOUT_S,
    max_tokens: opts.MaxTokens = DEFAULT_MAX_TOKENS,
    model_path: opts.ModelPath = None,
    feedback: opts.FeedbackLevel = DEFAULT_FEEDBACK_LEVEL,
    require_jail: bool = typer.Option(False, "--require-jail", help=REQUIRE_JAIL_HELP),
) -> None:
    """Run every scenario × seed × variant episode, then print and save the statistics."""
    apply_require_jail(require_jail)
    from codepolicy.bench.executors import EXECUTORS
    from codepolicy.bench.tasks import VIDEO_MODES, BenchSettings, plan_tasks, select_scenarios
    from codepolicy.runner.episode import BACKENDS
    from codepolicy.scenario.errors import ScenarioError

    if planner not in ("oracle", "llm"):
        fail(f"unknown --planner '{planner}'; choose one of: oracle, llm")
    if backend not in BACKENDS:
        fail(f"unknown --backend '{backend}'; choose one of: {', '.join(BACKENDS)}")
    if executor not in EXECUTORS:
        fail(f"unknown --executor '{executor}'; choose one of: {', '.join(EXECUTORS)}")
    if video not in VIDEO_MODES:
        fail(f"unknown --video '{video}'; choose one of: {', '.join(VIDEO_MODES)}")
    if workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    llm: dict[str, object] = {}
    if planner == "llm":
        if not model and model_path is None:
            fail("--planner llm needs --model NAME (or --model-path FILE.gguf)")
        model = model or (model_path.stem if model_path else "")
        for item in _variants(planner, prompt).values():
            LLMOptions(
                model=model,
                provider=provider,
                prompt=str(item),
                profile=profile,
                replan=replan,
                max_rounds=max_rounds,
                n=n,
                temperature=temperature,
                replay_file=replay_file,
                timeout=timeout,
                max_tokens=max_tokens,
                model_path=model_path,
                feedback=feedback,
            ).check()
        llm = dict(
            model=model,
            provider=provider,
            base_url=base_url,
            profile=profile,
            replan=replan,
            max_rounds=max_rounds,
            n=n,
            temperature=temperature,
            cache=not no_cache,
            replay_file=replay_file,
            timeout=timeout,
            max_tokens=max_tokens,
            model_path=model_path,
            feedback=feedback,
        )
    elif model is not None:
        fail("--model needs --planner llm")
    try:
        scenarios = select_scenarios(list(suite), list(split))
    except (ScenarioError, ValueError) as exc:
        fail(str(exc))
    if not scenarios:
        fail("no scenario matches the --suite / --split filters")
    variants = _variants(planner, prompt)
    settings = BenchSettings(
        planner=planner,
        backend=backend,
        out=str(out),
        video=video,
        llm=llm,
        max_concurrent_llm=max_concurrent_llm,
    )
    tasks = plan_tasks(scenarios, _seeds(seeds, seed_list), variants)
    _run(tasks, settings, variants, out, resume, workers, executor, ray_address, prices)


def _run(
    tasks: list[EpisodeTask],
    settings: BenchSettings,
    variants: dict[str, str | None],
    out: Path,
    resume: bool,
    workers: int,
    executor: str,
    ray_address: str | None,
    prices: Path | None,
) -> None:
    """Write the manifest, run the episodes not yet done, stream records, rebuild the report."""
    from codepolicy.bench.executors import run_local, run_ray
    from codepolicy.bench.progress import BenchProgress
    from codepolicy.bench.provenance import (
        make_manifest,
        manifest_differences,
        read_manifest,
        write_manifest,
    )
    from codepolicy.bench.report import RebuildError, rebuild
    from codepolicy.bench.store import ResultsFileError, ResultsStore, done_keys
    from codepolicy.bench.tasks import settings_dict

    existing = out / "results.jsonl"
    if existing.exists() and existing.stat().st_size > 0 and not resume:
        fail(
            f"{out} already holds results; pass --resume to finish that run, or choose another --out"
        )
    try:
        done = done_keys(out) if resume else set()
    except ResultsFileError as exc:
        fail(str(exc))
    from codepolicy.prompts.render import contaminated_families, template_sources

    prompts: dict[str, str | Path] = {
        f"{label}/{name}": source
        for label, variant in variants.items()
        if variant
        for name, source in template_sources(variant).items()
    }
    contaminated = {
        name: families
        for name, variant in variants.items()
        if variant and (families := contaminated_families(variant))
    }
    manifest = make_manifest(
        models=[settings.llm["model"]] if settings.llm else [],
        prompts=prompts,
        settings={
            **settings_dict(settings),
            "workers": workers,
            "executor": executor,
            "contaminated_variants": contaminated,
        },
    )
    for name, families in contaminated.items():
        typer.echo(
            f"Note: prompt variant '{name}' is contaminated: its examples solve {', '.join(families)}; "
            "its results on those families measure copying (recorded in the manifest)."
        )
    previous = read_manifest(out) if resume else None
    if previous is not None:
        changed = [
            d
            for d in manifest_differences(previous, manifest)
            if "argv" not in d and "created_at" not in d and "workers" not in d
        ]
        if changed:
            fail("--resume with different settings would mix results: " + "; ".join(changed))
    else:
        write_manifest(out, manifest)
    todo = [t for t in tasks if t.key not in done]
    store = ResultsStore(out)
    typer.echo(
        f"{len(tasks)} episodes ({len(done)} already done, {len(todo)} to run) "
        f"-> {out}/results.jsonl",
        err=True,
    )
    if executor == "ray":
        records = run_ray(todo, settings, workers, address=ray_address)
    else:
        records = run_local(todo, settings, workers)
    with BenchProgress(len(tasks), done=len(tasks) - len(todo)) as progress:
        try:
            for record in records:
                store.append(record)
                progress.update(record)
        except RuntimeError as exc:
            fail(str(exc))
    try:
        from rich.console import Console

        rebuild(out, prices_file=prices, console=Console(width=max(Console().width, 160)))
    except RebuildError as exc:
        fail(str(exc))
    typer.echo(f"Report: {out / 'report.html'}", err=True)
