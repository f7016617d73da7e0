"""``codepolicy run``: run one scenario episode end to end and print its feedback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from codepolicy.cli import options as opts
from codepolicy.cli.common import EXIT_NOT_ACHIEVED, EXIT_OK, fail, json_stdout, read_text_file
from codepolicy.cli.doctor import REQUIRE_JAIL_HELP, apply_require_jail
from codepolicy.cli.planner_setup import LLMOptions, build_solver
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL
from codepolicy.feedback.model import Feedback
from codepolicy.feedback.model import plain as plain_value
from codepolicy.feedback.untrusted import one_line
from codepolicy.llm.base import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S
from codepolicy.llm.usage import UsageLog
from codepolicy.planning.strategies import Solution
from codepolicy.robot.errors import RobotError
from codepolicy.runner.episode import BACKENDS, make_backend, run_episode, world_kind
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.errors import ScenarioError
from codepolicy.scenario.sampler import Episode

PLANNERS = ("oracle", "llm")


def _load_episode(scenario: str, seed: int) -> Episode:
    from codepolicy.scenario.catalog import load_scenario
    from codepolicy.scenario.sampler import sample_episode

    if seed < 0:
        fail(f"--seed must be a non-negative integer, got {seed}")
    try:
        return sample_episode(load_scenario(scenario), seed)
    except ScenarioError as exc:
        fail(str(exc))


def _step_line(event: CallEvent) -> str:
    args = ", ".join(repr(plain_value(v)) for v in event.args.values())
    outcome = f"{event.error.code}: {one_line(event.error.message)}" if event.error else "ok"
    sim = f" [{event.sim_time:.1f} s]" if event.sim_time else ""
    return one_line(f"  step {event.index + 1}: {event.primitive}({args}) -> {outcome}{sim}", 2000)


def json_report(
    feedback: Feedback, planner: str, solution: Solution | None, program: str, usage: UsageLog
) -> dict[str, Any]:
    """The ``--json`` object: the feedback, the program of each round and model usage."""
    data = feedback.model_dump(mode="json")
    data["steps"] = [
        {**e.model_dump(mode="json"), "args": plain_value(e.args), "result": plain_value(e.result)}
        for e in feedback.steps
    ]
    data["planner"] = planner
    if solution is None:
        data["rounds"] = [{"index": 0, "kind": "program", "program": program}]
    else:
        data["rounds"] = [
            {
                "index": r.index,
                "kind": r.kind,
                "executed": r.executed,
                "program": r.program,
                "status": r.feedback.status.value,
                "success": r.feedback.success,
                "reward": r.feedback.reward,
            }
            for r in solution.rounds
        ]
    data["program"] = data["rounds"][-1]["program"]
    totals = usage.totals()
    data.update(
        llm_calls=totals.calls,
        cache_hits=totals.cache_hits,
        tokens_in=totals.tokens_in,
        tokens_out=totals.tokens_out,
    )
    return data


def run(
    scenario: str = typer.Argument(..., help="A shipped scenario name or a scenario YAML file."),
    seed: int = typer.Option(0, "--seed", help="Episode seed: picks objects, layout, wording."),
    program: Path | None = typer.Option(None, "--program", help="Run this program file."),
    planner: str | None = typer.Option(None, "--planner", help="Who writes it: oracle or llm."),
    backend: opts.Backend = "physics",
    video: Path | None = typer.Option(None, "--video", help="Write an MP4 of the episode here."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    gui: bool = typer.Option(False, "--gui", help="Show the PyBullet window (physics only)."),
    model: opts.Model = None,
    base_url: opts.BaseUrl = None,
    provider: opts.Provider = "openai",
    prompt: str = typer.Option("zero-shot", "--prompt", help="Prompt variant or template file."),
    profile: opts.Profile = "default",
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
    require_jail: bool = typer.Option(False, "--require-jail", help=REQUIRE_JAIL_HELP),
    robot: str | None = typer.Option(None, "--robot", help="Robot server (--backend remote)."),
    key_file: Path | None = typer.Option(None, "--key-file", help="Robot server's key file."),
) -> None:
    """Run one episode of SCENARIO and print the instruction, each step and the feedback.

    Exit code 0 if the task was achieved, 1 if not (including rejected or failed programs),
    2 for bad input.
    """
    apply_require_jail(require_jail)
    if backend not in (*BACKENDS, "remote"):
        fail(f"unknown backend '{backend}'; choose one of: {', '.join(BACKENDS)}")
    if program is not None and planner is not None:
        fail("--program and --planner exclude each other: a program file needs no planner")
    if planner is not None and planner not in PLANNERS:
        fail(f"unknown planner '{planner}'; choose one of: {', '.join(PLANNERS)}")
    options = None
    if planner == "llm":
        if not model and model_path is None:
            fail("--planner llm needs --model NAME (or --model-path FILE.gguf)")
        options = LLMOptions(
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
            show_progress=not json_output and sys.stderr.isatty(),
        )
        options.check()
    elif model is not None:
        fail("--model needs --planner llm")
    episode = _load_episode(scenario, seed)
    world = None
    if backend == "remote":
        from codepolicy.cli.robot import open_world

        world = open_world(robot, key_file)
    elif robot is not None or key_file is not None:
        fail("--robot and --key-file need --backend remote")
    code = _execute(episode, program, planner, options, backend, video, json_output, gui, world)
    raise typer.Exit(code)


def _execute(
    episode: Episode,
    program_file: Path | None,
    planner: str | None,
    options: LLMOptions | None,
    backend_kind: str,
    video: Path | None,
    json_output: bool,
    gui: bool,
    world: Any = None,
) -> int:
    from codepolicy.runner.video import VideoError, VideoRecorder

    say = (lambda text: typer.echo(text, err=True)) if json_output else typer.echo
    with json_stdout(json_output) as emit:
        source, who = "", planner or "oracle"
        if program_file is not None:
            source, who = read_text_file(program_file, "program"), "file"
        elif options is None:
            from codepolicy.oracle import OracleError, oracle_program

            if planner is None:
                say("No planner configured: running the scenario's reference program (oracle).")
            try:
                source = oracle_program(episode)
            except OracleError as exc:
                fail(str(exc))
        say(f"Instruction: {episode.instruction}")
        backend_kind = world_kind(episode, backend_kind)
        say(f"Scenario: {episode.scenario} (seed {episode.seed}, backend {backend_kind})")
        world = world if world is not None else _make_world(backend_kind, gui)
        if getattr(world, "scene_source", None):
            say(f"Scene knowledge: {world.scene_source}")
        recorder = None
        usage = UsageLog()
        solution: Solution | None = None
        try:
            if video is not None:
                try:
                    recorder = VideoRecorder(video)
                except VideoError as exc:
                    fail(str(exc))
                recorder.attach(world)

            def on_event(event: CallEvent) -> None:
                say(_step_line(event))
                if recorder is not None and not recorder.streams_motion:
                    recorder.capture()

            if options is not None:
                solver = build_solver(options, world, usage, on_event)
                solution = solve_with_errors(solver, episode)
                for r in solution.rounds:
                    what = "dry run" if not r.executed else "ran"
                    say(f"Round {r.index} ({r.kind}, {what}): {r.feedback.status.value}")
                if options.replan == "best-of-n":
                    say(candidates_line(solution, options.n))
                feedback = solution.feedback
            else:
                feedback = run_episode(episode, source, backend=world, on_event=on_event)
        except RobotError as exc:
            say(f"Episode ended: {exc}")
            if json_output:
                emit(_robot_failure(episode, exc))
            return EXIT_NOT_ACHIEVED
        finally:
            if recorder is not None:
                recorder.close()
            world.close()
        if video is not None and recorder is not None:
            say(f"Video: {video} ({recorder.frames} frames)")
        if json_output:
            emit(json_report(feedback, who, solution, source, usage))
        else:
            say(feedback.to_text())
    return EXIT_OK if feedback.success else EXIT_NOT_ACHIEVED


def candidates_line(solution: Solution, requested: int) -> str:
    """How many best-of-n candidates the model really gave (servers may ignore ``n``)."""
    drafts = [r for r in solution.rounds if r.kind == "candidate"]
    got = sum(bool(r.program) for r in drafts)
    line = f"best-of-n: {got} of {requested} candidates obtained"
    distinct = len({r.program for r in drafts if r.program})
    if got and distinct < got:
        line += f" ({distinct} distinct)"
    return line


def _make_world(kind: str, gui: bool) -> Any:
    """The world to run in; a missing extra for an adapter world is a clear exit-2 error."""
    from codepolicy.envs.adapters import MissingExtraError

    try:
        return make_backend(kind, gui=gui)
    except MissingExtraError as exc:
        fail(str(exc))


def _robot_failure(episode: Episode, exc: RobotError) -> dict[str, Any]:
    """The ``--json`` object of an episode the robot link ended (no final scene to judge)."""
    return {
        "scenario": episode.scenario,
        "seed": episode.seed,
        "status": exc.code,
        "success": False,
        "error": {"type": type(exc).__name__, "message": str(exc)},
    }


def solve_with_errors(solver: Any, episode: Episode) -> Solution:
    """Solve, turning model transport failures and bad prompt files into clear exit-2 errors."""
    from codepolicy.llm.retry import ModelError
    from codepolicy.prompts.render import PromptTemplateError

    try:
        solution: Solution = solver.solve(episode)
    except ModelError as exc:
        fail(f"model request failed: {exc}")
    except PromptTemplateError as exc:
        fail(str(exc))
    return solution
