"""``codepolicy run``: run one scenario episode end to end and print its feedback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from codepolicy.cli.common import (
    EXIT_NOT_ACHIEVED,
    EXIT_OK,
    fail,
    json_stdout,
    read_text_file,
)
from codepolicy.feedback.model import Feedback
from codepolicy.feedback.model import plain as plain_value
from codepolicy.runner.episode import BACKENDS, make_backend, run_episode
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.errors import ScenarioError
from codepolicy.scenario.sampler import Episode


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
    outcome = f"{event.error.code}: {event.error.message}" if event.error else "ok"
    sim = f" [{event.sim_time:.1f} s]" if event.sim_time else ""
    return f"  step {event.index + 1}: {event.primitive}({args}) -> {outcome}{sim}"


def json_report(feedback: Feedback, planner: str, programs: list[str]) -> dict[str, Any]:
    """The ``--json`` object: the feedback plus the program(s) that produced it."""
    data = feedback.model_dump(mode="json")
    data["steps"] = [
        {**e.model_dump(mode="json"), "args": plain_value(e.args), "result": plain_value(e.result)}
        for e in feedback.steps
    ]
    data["planner"] = planner
    data["program"] = programs[-1] if programs else ""
    data["rounds"] = [{"program": p} for p in programs]
    return data


def run(
    scenario: str = typer.Argument(..., help="A shipped scenario name or a scenario YAML file."),
    seed: int = typer.Option(0, "--seed", help="Episode seed: picks objects, layout, wording."),
    program: Path | None = typer.Option(
        None, "--program", help="Run this program file instead of a planner's."
    ),
    planner: str | None = typer.Option(None, "--planner", help="Who writes the program: oracle."),
    backend: str = typer.Option("physics", "--backend", help="physics or kinematic."),
    video: Path | None = typer.Option(None, "--video", help="Write an MP4 of the episode here."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    gui: bool = typer.Option(False, "--gui", help="Show the PyBullet window (physics only)."),
) -> None:
    """Run one episode of SCENARIO and print the instruction, each step and the feedback.

    Exit code 0 if the task was achieved, 1 if not (including rejected or failed programs),
    2 for bad input.
    """
    if backend not in BACKENDS:
        fail(f"unknown backend '{backend}'; choose one of: {', '.join(BACKENDS)}")
    if program is not None and planner is not None:
        fail("--program and --planner exclude each other: a program file needs no planner")
    if planner not in (None, "oracle"):
        fail(f"unknown planner '{planner}'; choose one of: oracle")
    episode = _load_episode(scenario, seed)
    say = (lambda text: typer.echo(text, err=True)) if json_output else typer.echo
    if program is not None:
        source, who = read_text_file(program, "program"), "file"
    else:
        from codepolicy.oracle import OracleError, oracle_program

        if planner is None:
            say("No planner configured: running the scenario's reference program (oracle).")
        try:
            source, who = oracle_program(episode), "oracle"
        except OracleError as exc:
            fail(str(exc))
    code = _execute(episode, source, who, backend, video, json_output, gui, say)
    raise typer.Exit(code)


def _execute(
    episode: Episode,
    source: str,
    who: str,
    backend_kind: str,
    video: Path | None,
    json_output: bool,
    gui: bool,
    say: Any,
) -> int:
    from codepolicy.runner.video import VideoError, VideoRecorder

    with json_stdout(json_output) as emit:
        say(f"Instruction: {episode.instruction}")
        say(f"Scenario: {episode.scenario} (seed {episode.seed}, backend {backend_kind})")
        world = make_backend(backend_kind, gui=gui)
        recorder = None
        try:
            if video is not None:
                try:
                    recorder = VideoRecorder(video)
                except VideoError as exc:
                    fail(str(exc))

            def on_event(event: CallEvent) -> None:
                say(_step_line(event))
                if recorder is not None and not recorder.streams_motion:
                    recorder.capture()

            def before_run() -> None:
                if recorder is not None:
                    recorder.attach(world)

            feedback = run_episode(
                episode, source, backend=world, on_event=on_event, before_run=before_run
            )
        finally:
            if recorder is not None:
                recorder.close()
            world.close()
        if video is not None and recorder is not None:
            say(f"Video: {video} ({recorder.frames} frames)")
        if json_output:
            emit(json_report(feedback, who, [source]))
        else:
            say(feedback.to_text())
    return EXIT_OK if feedback.success else EXIT_NOT_ACHIEVED
