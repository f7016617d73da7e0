"""``codepolicy run``: run one scenario episode end to end and print its feedback.

The command only parses: it maps its options to :class:`~codepolicy.pipeline.RunSettings`, runs the
library's pipeline and maps configuration errors to exit 2.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from codepolicy.cli import operator as op
from codepolicy.cli import options as opts
from codepolicy.cli.common import (
    EXIT_NOT_ACHIEVED,
    EXIT_OK,
    config_errors,
    fail,
    json_stdout,
    read_text_file,
)
from codepolicy.cli.doctor import REQUIRE_JAIL_HELP, apply_require_jail
from codepolicy.cli.robot import stop_key as robot_stop_key
from codepolicy.cli.run_remote import gated, remote_world, robot_failure
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL
from codepolicy.feedback.model import plain as plain_value
from codepolicy.feedback.untrusted import one_line
from codepolicy.llm.base import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S
from codepolicy.sandbox.result import CallEvent

if TYPE_CHECKING:
    from codepolicy.pipeline import EpisodeResult, RunSettings
    from codepolicy.planning.strategies import Solution
    from codepolicy.scenario.sampler import Episode


def _step_line(event: CallEvent) -> str:
    args = ", ".join(repr(plain_value(v)) for v in event.args.values())
    outcome = f"{event.error.code}: {one_line(event.error.message)}" if event.error else "ok"
    sim = f" [{event.sim_time:.1f} s]" if event.sim_time else ""
    return one_line(f"  step {event.index + 1}: {event.primitive}({args}) -> {outcome}{sim}", 2000)


def _json_step(event: CallEvent) -> dict[str, Any]:
    return {
        **event.model_dump(mode="json"),
        "args": plain_value(event.args),
        "result": plain_value(event.result),
    }


def json_report(result: EpisodeResult) -> dict[str, Any]:
    """The ``--json`` object: the feedback, the program of each round and model usage."""
    feedback = result.feedback
    data = feedback.model_dump(mode="json")
    data["steps"] = [_json_step(e) for e in feedback.steps]
    data["planner"] = result.planner
    data["rounds"] = [
        {
            "index": r.index,
            "kind": r.kind,
            "executed": r.executed,
            "program": r.program,
            "status": r.feedback.status.value,
            "success": r.feedback.success,
            "reward": r.feedback.reward,
            "said": list(r.feedback.said),
            "steps": [_json_step(e) for e in r.feedback.steps],
        }
        for r in result.solution.rounds
    ]
    data["program"] = result.program
    if result.skills_available:
        data["skills_available"] = list(result.skills_available)
        data["skills_used"] = list(result.skills_used)
    totals = result.usage.totals()
    data.update(
        llm_calls=totals.calls,
        cache_hits=totals.cache_hits,
        tokens_in=totals.tokens_in,
        tokens_out=totals.tokens_out,
    )
    return data


def run(
    ctx: typer.Context,
    scenario: str = typer.Argument(..., help="A shipped scenario name or a scenario YAML file."),
    seed: int = typer.Option(0, "--seed", help="Episode seed: picks objects, layout, wording."),
    program: list[Path] | None = typer.Option(
        None,
        "--program",
        help="Run this program file; several run one after another in one namespace (a session).",
    ),
    planner: str | None = typer.Option(None, "--planner", help="Who writes it: oracle or llm."),
    backend: opts.Backend = "physics",
    video: Path | None = typer.Option(None, "--video", help="Write an MP4 of the episode here."),
    no_overlay: bool = typer.Option(
        False, "--no-overlay", help="Video without the instruction and step captions."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    gui: bool = typer.Option(False, "--gui", help="Show the PyBullet window (physics only)."),
    model: opts.Model = None,
    base_url: opts.BaseUrl = None,
    provider: opts.Provider = "openai",
    prompt: str = typer.Option("zero-shot", "--prompt", help="Prompt variant or template file."),
    profile: opts.Profile = "default",
    perception: opts.Perception = "privileged",
    replan: opts.Replan = "none",
    max_rounds: opts.MaxRounds = 3,
    n: opts.Candidates = 4,
    temperature: opts.Temperature = 0.0,
    refine_from: str = typer.Option("current", "--refine-from", help="current or reset."),
    helper_depth: int = typer.Option(2, "--helper-depth", help="Depth of helper generation."),
    no_cache: opts.NoCache = False,
    replay_file: opts.ReplayFile = None,
    record: Path | None = typer.Option(None, "--record", help="Record model answers here."),
    timeout: opts.Timeout = DEFAULT_TIMEOUT_S,
    max_tokens: opts.MaxTokens = DEFAULT_MAX_TOKENS,
    model_path: opts.ModelPath = None,
    feedback: opts.FeedbackLevel = DEFAULT_FEEDBACK_LEVEL,
    skill_library: opts.SkillLibrary = None,
    feedback_image: opts.FeedbackImage = False,
    require_jail: bool = typer.Option(False, "--require-jail", help=REQUIRE_JAIL_HELP),
    robot: str | None = typer.Option(None, "--robot", help="Robot server (--backend remote)."),
    key_file: Path | None = typer.Option(None, "--key-file", help="Robot server's key file."),
    confirm: str = typer.Option("none", "--confirm", help="Remote robot: each, first or none."),
    gate: str | None = typer.Option(None, "--gate", help="Remote robot: twin or none."),
    max_step: float | None = typer.Option(
        None, "--max-step", help="Remote robot: longest move, m."
    ),
    scene_file: Path | None = typer.Option(
        None, "--scene-file", help="Remote robot: the operator's scene file (YAML)."
    ),
    grade: str | None = typer.Option(
        None, "--grade", help="No ground truth: operator (ask) or auto (perception)."
    ),
) -> None:
    """Run one episode of SCENARIO and print the instruction, each step and the feedback.

    Exit code 0 if the task was achieved, 1 if not (including rejected or failed programs),
    2 for bad input.
    """
    from codepolicy.pipeline import RunSettings, episode_backend, load_episode
    from codepolicy.planning.planners import LLMOptions

    apply_require_jail(require_jail)
    if program and planner is not None:
        fail("--program and --planner exclude each other: a program file needs no planner")
    programs = list(program or [])
    chosen = "program" if programs else (planner or "oracle")
    model_flags = opts.given(ctx, opts.LLM_FLAGS)
    if chosen == "program":
        model_flags = [f for f in model_flags if f not in opts.HELPER_MODEL_FLAGS]
    if chosen != "llm" and model_flags:
        why = (
            "with --program a model only writes missing functions and serves helper LMPs"
            if chosen == "program"
            else f"planner '{chosen}' would ignore them"
        )
        fail(
            f"{', '.join(model_flags)} only configure model-written programs (--planner llm); {why}"
        )
    if (
        chosen == "program"
        and model is None
        and model_path is None
        and opts.given(ctx, opts.HELPER_MODEL_FLAGS_PARAMS)
    ):
        fail("--base-url, --provider and the other model options need --model NAME")
    remote_flags = robot or key_file or confirm != "none" or max_step is not None or gate
    if backend != "remote" and (remote_flags or scene_file or grade):
        fail(
            "--robot, --key-file, --confirm, --max-step, --gate, --scene-file and --grade "
            "need --backend remote"
        )
    grading = op.grade_mode(grade)
    operator_scene = op.load_operator_scene(scene_file) if scene_file is not None else None
    if operator_scene is not None and not opts.given(ctx, ["perception"]):
        perception = "operator"
    if gui:
        if backend != "physics":
            fail(
                f"the {backend} backend has no window; --gui needs --backend physics (or record "
                "the episode with --video FILE to watch it)"
            )
        from codepolicy.envs.bullet import GuiUnavailable, check_display

        try:
            check_display()
        except GuiUnavailable as exc:
            fail(str(exc))
    with config_errors():
        llm = None
        if chosen == "llm" or (chosen == "program" and (model or model_path)):
            llm = LLMOptions(
                model=model or (model_path.stem if model_path else ""),
                provider=provider,
                base_url=base_url,
                prompt=prompt,
                profile=profile,
                replan=replan,
                max_rounds=max_rounds,
                n=n,
                temperature=temperature,
                refine_from=refine_from,
                helper_depth=helper_depth,
                cache=not no_cache,
                replay_file=replay_file,
                record_file=record,
                timeout=timeout,
                max_tokens=max_tokens,
                model_path=model_path,
                feedback=feedback,
                feedback_image=feedback_image,
                show_progress=not json_output and sys.stderr.isatty(),
            )
        sources = [read_text_file(path, "program") for path in programs]
        source: str | list[str] | None = (
            None if not sources else sources[0] if len(sources) == 1 else sources
        )
        episode = load_episode(scenario, seed)
        if chosen == "oracle":
            _check_oracle(episode, scenario)
        _say_choice(scenario, json_output)
        options: dict[str, Any] = {"gui": True} if gui else {}
        settings = RunSettings(
            planner=chosen,
            backend=episode_backend(episode, backend),
            profile=profile,
            perception=perception,
            program=source,
            llm=llm,
            backend_options=options,
            skill_library=str(skill_library) if skill_library is not None else None,
        )
        settings.check()
    with config_errors():
        world, gate_mode = remote_world(
            backend, episode, chosen, robot, key_file, confirm, max_step, gate, operator_scene
        )
    defaulted = planner is None and not programs
    stop_key = robot_stop_key(world, confirm, json_output)
    code = _execute(
        settings, episode, defaulted, video, json_output, world, gate_mode, not no_overlay, grading,
        stop_key,
    )  # fmt: skip
    raise typer.Exit(code)


def _execute(
    settings: RunSettings,
    episode: Episode,
    defaulted: bool,
    video: Path | None,
    json_output: bool,
    world: Any = None,
    gate: str = "none",
    overlay: bool = True,
    grading: str = "auto",
    stop_key: Any = None,
) -> int:
    from codepolicy.envs.errors import NoGroundTruth
    from codepolicy.llm.retry import ModelError
    from codepolicy.pipeline import Pipeline
    from codepolicy.prompts.render import PromptTemplateError
    from codepolicy.robot.errors import RobotError

    say = (lambda text: typer.echo(text, err=True)) if json_output else typer.echo
    with json_stdout(json_output) as emit:
        if defaulted:
            say("No planner configured: running the scenario's reference program (oracle).")
        say(f"Instruction: {episode.instruction}")
        say(f"Scenario: {episode.scenario} (seed {episode.seed}, backend {settings.backend})")

        def live(event: CallEvent) -> None:
            say(_step_line(event))

        graded_by_key: dict[str, str] = {}

        with config_errors(), Pipeline(settings, world=world, on_event=live) as pipe:
            source = getattr(pipe.world.scene, "scene_source", None)
            if source:
                say(f"Scene knowledge: {source}")
            try:
                with stop_key or contextlib.nullcontext() as key:
                    result = (
                        gated(pipe, episode, say)
                        if gate == "twin"
                        else pipe.run(episode, video=video, overlay=overlay)
                    )
                if key is not None and key.pressed:
                    say(f"Episode ended by the stop key: {result.feedback.status.value}")
                    graded_by_key = {"stopped_by": "stop key", "stop": key.outcome}
                result, graded = op.grade(result, pipe.world.scene, grading)
                graded = {**graded, **graded_by_key}
            except ModelError as exc:
                fail(f"model request failed: {exc}")
            except PromptTemplateError as exc:
                fail(str(exc))
            except NoGroundTruth as exc:
                fail(f"perception '{settings.perception}' cannot be used here: {exc}")
            except RobotError as exc:
                say(f"Episode ended: {exc}")
                if json_output:
                    emit(robot_failure(episode, exc))
                return EXIT_NOT_ACHIEVED
            finally:
                if world is not None:
                    world.close()
        if "graded_by" in graded:
            say(f"Graded by: {graded['graded_by']}")
        if settings.planner == "llm":
            for r in result.solution.rounds:
                what = "dry run" if not r.executed else "ran"
                say(f"Round {r.index} ({r.kind}, {what}): {r.feedback.status.value}")
            if settings.llm is not None and settings.llm.replan == "best-of-n":
                say(candidates_line(result.solution, settings.llm.n))
        if video is not None:
            say(f"Video: {video} ({result.video_frames} frames)")
        if result.skills_available:
            used = ", ".join(result.skills_used) or "none"
            say(f"Skills: {len(result.skills_available)} available, used: {used}")
        if json_output:
            report = json_report(result)
            if source:
                report["scene_source"] = source
            report.update(graded)
            emit(report)
        else:
            say(result.feedback.to_text(instruction=False))
    return EXIT_OK if result.success else EXIT_NOT_ACHIEVED


def _check_oracle(episode: Episode, scenario: str) -> None:
    """Refuse, with what to do instead, a scenario the oracle planner cannot run."""
    from codepolicy.oracle import oracle_problem

    problem = oracle_problem(episode.oracle, episode.variables, episode.scenario)
    if problem is not None:
        fail(
            f"{problem}, so the oracle planner cannot run it. Run a program of yours with "
            f"`codepolicy run {scenario} --program FILE`, or a model with --planner llm"
        )


def _say_choice(scenario: str, json_output: bool) -> None:
    """Say which scenario runs when SCENARIO names a family of several."""
    from codepolicy.scenario.catalog import load_scenario, single_choice

    note = single_choice(scenario, load_scenario(scenario))
    if note is not None:
        typer.echo(note, err=json_output)


def candidates_line(solution: Solution, requested: int) -> str:
    """How many best-of-n candidates the model really gave (servers may ignore ``n``)."""
    drafts = [r for r in solution.rounds if r.kind == "candidate"]
    got = sum(bool(r.program) for r in drafts)
    line = f"best-of-n: {got} of {requested} candidates obtained"
    distinct = len({r.program for r in drafts if r.program})
    if got and distinct < got:
        line += f" ({distinct} distinct)"
    return line
