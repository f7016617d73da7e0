"""``codepolicy bench``: run many episodes, stream results, print honest statistics, write a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from codepolicy.cli import options as opts
from codepolicy.cli.common import config_errors, fail, read_text_file
from codepolicy.cli.console import output_console
from codepolicy.cli.doctor import REQUIRE_JAIL_HELP, apply_require_jail
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL
from codepolicy.llm.base import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S

if TYPE_CHECKING:
    from codepolicy.bench.benchmark import BenchmarkSettings
    from codepolicy.bench.record import EpisodeRecord


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


GRID_HELP = (
    "Run the cross product of axes on shared seeds, e.g. --grid api=macro,primitive,low "
    "perception=privileged,mask,camera feedback=binary,explain turns=1,3 skills=off,on "
    "(turns k>1: the refine strategy with k rounds)."
)
GRID_CONFLICTS = {
    "api": ("profile",),
    "perception": ("perception",),
    "feedback": ("feedback",),
    "turns": ("replan", "max_rounds"),
}
"""The options a grid axis sets itself: giving both is refused."""


def _grid(ctx: typer.Context, grid: list[str], rest: list[str]) -> dict[str, list[str]]:
    """The parsed ``--grid`` axes (``--grid api=a perception=b``: the axes after the first come
    as extra arguments); exit 2 for a bad axis or value, or an axis that an option also sets."""
    from codepolicy.bench.grid import parse_grid

    if rest and not grid:
        fail(f"unexpected argument '{rest[0]}' (bench takes no positional arguments)")
    for item in rest:
        if "=" not in item:
            fail(f"--grid expects AXIS=VALUE[,VALUE...] items, got '{item}'")
    with config_errors():
        axes = parse_grid([*grid, *rest])
    for axis, names in GRID_CONFLICTS.items():
        if axis in axes and (flags := opts.given(ctx, names)):
            fail(
                f"--grid {axis}=... and {' / '.join(flags)} both set the same thing; "
                f"drop {' / '.join(flags)} or the {axis} axis"
            )
    return axes


def bench(
    ctx: typer.Context,
    grid_rest: list[str] | None = typer.Argument(None, hidden=True),
    suite: list[str] = typer.Option([], "--suite", help="Scenario name, glob or file (repeat)."),
    split: list[str] = typer.Option([], "--split", help="seen, unseen, seen-/unseen-instructions."),
    seeds: int | None = typer.Option(None, "--seeds", help="Seeds 0..N-1 (default 10)."),
    seed_list: str | None = typer.Option(None, "--seed-list", help="Seeds, e.g. 3,5,8."),
    planner: str | None = typer.Option(None, "--planner", help="oracle (default) or llm."),
    program: Path | None = typer.Option(
        None, "--program", help="Benchmark this program file over the scenarios and seeds."
    ),
    model: opts.Model = None,
    base_url: opts.BaseUrl = None,
    provider: opts.Provider = "openai",
    prompt: str = typer.Option("zero-shot", "--prompt", help="Variant[,Variant...] or files."),
    profile: opts.Profile = "default",
    perception: opts.Perception = "privileged",
    replan: opts.Replan = "none",
    max_rounds: opts.MaxRounds = 3,
    n: opts.Candidates = 4,
    temperature: opts.Temperature = 0.0,
    backend: opts.Backend = "physics",
    robot: str | None = typer.Option(None, "--robot", help="Robot server (--backend remote)."),
    key_file: Path | None = typer.Option(None, "--key-file", help="Robot server's key file."),
    grade: str | None = typer.Option(None, "--grade", help="Remote robot: operator or auto."),
    gate: str | None = typer.Option(None, "--gate", help="Remote robot: twin or none."),
    max_step: float | None = typer.Option(None, "--max-step", help="Remote robot: longest move."),
    workers: int = typer.Option(1, "--workers", help="Parallel worker processes."),
    executor: str = typer.Option("local", "--executor", help="local or ray."),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Ray cluster address."),
    max_concurrent_llm: int = typer.Option(
        0, "--max-concurrent-llm", help="Model requests in flight at once (0: no limit)."
    ),
    out: Path = typer.Option(Path("runs/bench"), "--out", help="Run directory."),
    resume: bool = typer.Option(False, "--resume", help="Run only episodes not yet in --out."),
    video: str = typer.Option(
        "none",
        "--video",
        help="none, failures or all. Recording is nearly free (~2%% slower); each kept video is"
        " rendered afterwards, about 1 s of CPU per simulated second of episode.",
    ),
    prices: Path | None = typer.Option(None, "--prices", help="Price table (JSON/YAML)."),
    no_cache: opts.NoCache = False,
    replay_file: opts.ReplayFile = None,
    timeout: opts.Timeout = DEFAULT_TIMEOUT_S,
    max_tokens: opts.MaxTokens = DEFAULT_MAX_TOKENS,
    model_path: opts.ModelPath = None,
    feedback: opts.FeedbackLevel = DEFAULT_FEEDBACK_LEVEL,
    skill_library: opts.SkillLibrary = None,
    feedback_image: opts.FeedbackImage = False,
    require_jail: bool = typer.Option(False, "--require-jail", help=REQUIRE_JAIL_HELP),
    grid: list[str] = typer.Option([], "--grid", help=GRID_HELP),
) -> None:
    """Run every scenario × seed × variant episode, then print and save the statistics."""
    apply_require_jail(require_jail)
    from codepolicy.bench.benchmark import BenchmarkSettings

    axes = _grid(ctx, list(grid), list(grid_rest or []))

    if program is not None and planner is not None:
        fail("--program and --planner exclude each other: a program file needs no planner")
    source = read_text_file(program, "program") if program is not None else None
    planner = "program" if program is not None else (planner or "oracle")
    model_flags = opts.given(ctx, opts.LLM_FLAGS)
    if planner != "llm" and model_flags:
        fail(
            f"{', '.join(model_flags)} only configure model-written programs (--planner llm); "
            f"planner '{planner}' would ignore them"
        )
    llm: dict[str, object] = {}
    if planner == "llm":
        if not model and model_path is None:
            fail("--planner llm needs --model NAME (or --model-path FILE.gguf)")
        model = model or (model_path.stem if model_path else "")
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
            feedback_image=feedback_image,
        )
    from codepolicy.prompts.render import contaminated_families

    for name, variant in _variants(planner, prompt).items():
        families = contaminated_families(variant) if variant else []
        if families:
            typer.echo(
                f"Note: prompt variant '{name}' is contaminated: its examples solve "
                f"{', '.join(families)}; its results on those families measure copying "
                "(recorded in the manifest).",
                err=True,
            )
    from codepolicy.cli.robot import bench_remote

    remote = bench_remote(backend, robot, key_file, grade, gate, max_step)
    settings = BenchmarkSettings(
        suites=list(suite),
        splits=list(split),
        seeds=_seeds(seeds, seed_list),
        variants={program.stem: None} if program is not None else _variants(planner, prompt),
        program=source,
        planner=planner,
        backend=backend,
        remote=remote,
        profile=profile,
        perception=perception,
        llm=llm,
        out=out,
        resume=resume,
        workers=workers,
        executor=executor,
        ray_address=ray_address,
        video=video,
        max_concurrent_llm=max_concurrent_llm,
        prices=prices,
        grid=axes,
        skill_library=str(skill_library) if skill_library is not None else None,
    )
    _run(settings)


def _run(settings: BenchmarkSettings) -> None:
    """Run the benchmark with a progress display; configuration errors exit 2."""
    from codepolicy.bench.benchmark import run_benchmark
    from codepolicy.bench.progress import BenchProgress
    from codepolicy.bench.summary import print_summary

    out = settings.out
    state: dict[str, BenchProgress] = {}

    def start(total: int, done: int) -> None:
        typer.echo(
            f"{total} episodes ({done} already done, {total - done} to run) -> {out}/results.jsonl",
            err=True,
        )
        asks = settings.remote is not None and settings.remote.grade == "operator"
        state["progress"] = BenchProgress(
            total, done=done, plain=True if asks else None
        ).__enter__()

    def plan(names: list[str]) -> None:
        shown = ", ".join(names[:12]) + (f", … ({len(names) - 12} more)" if len(names) > 12 else "")
        typer.echo(f"Scenarios ({len(names)}): {shown}", err=True)

    def record(done: EpisodeRecord) -> None:
        progress = state["progress"]
        progress.update(done)
        if progress.done >= progress.total:
            state.pop("progress").__exit__(None, None, None)

    try:
        with config_errors():
            summary = run_benchmark(settings, on_start=start, on_record=record, on_plan=plan)
    finally:
        if "progress" in state:
            state.pop("progress").__exit__(None, None, None)
    print_summary(summary, output_console())
    typer.echo(f"Report: {out / 'report.html'}", err=True)
