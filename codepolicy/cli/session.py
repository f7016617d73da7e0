"""``codepolicy session``: instruction after instruction on one scene, as in Code as Policies' demo.

Each line typed is an instruction for the model (which writes its program), or ``:run FILE`` to run
a program file; ``:scene`` prints the scene, ``:quit`` (or end of input) ends the session. Variables,
functions and the scene carry over from one turn to the next. Exit code 0 if the scenario's task
holds at the end, 1 if not, 2 for bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from codepolicy.cli import options as opts
from codepolicy.cli.common import EXIT_NOT_ACHIEVED, EXIT_OK, config_errors, read_text_file
from codepolicy.feedback.model import plain as plain_value
from codepolicy.feedback.untrusted import one_line
from codepolicy.llm.base import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S
from codepolicy.sandbox.result import CallEvent

HELP = "Type an instruction, ':run FILE', ':scene' or ':quit'."


def _step(event: CallEvent) -> str:
    args = ", ".join(repr(plain_value(v)) for v in event.args.values())
    outcome = f"{event.error.code}: {event.error.message}" if event.error else "ok"
    return one_line(f"  step {event.index + 1}: {event.primitive}({args}) -> {outcome}", 2000)


def session(
    scenario: str = typer.Argument(..., help="The scene: a shipped scenario name or a YAML file."),
    seed: int = typer.Option(0, "--seed", help="Episode seed: picks objects and layout."),
    backend: opts.Backend = "physics",
    profile: opts.Profile = "cap",
    perception: opts.Perception = "privileged",
    model: opts.Model = None,
    base_url: opts.BaseUrl = None,
    provider: opts.Provider = "openai",
    prompt: str = typer.Option("cap", "--prompt", help="Prompt variant or template file."),
    program: list[Path] | None = typer.Option(
        None, "--program", help="Run these program files first, in order."
    ),
    no_cache: opts.NoCache = False,
    timeout: opts.Timeout = DEFAULT_TIMEOUT_S,
    max_tokens: opts.MaxTokens = DEFAULT_MAX_TOKENS,
    model_path: opts.ModelPath = None,
    skill_library: opts.SkillLibrary = None,
    feedback_image: opts.FeedbackImage = False,
) -> None:
    """An interactive session on SCENARIO's scene: instructions (written by --model) and program
    files run one after another in one namespace."""
    from codepolicy.envs.backend import make_world
    from codepolicy.llm.usage import UsageLog
    from codepolicy.pipeline import episode_backend, load_episode
    from codepolicy.planning.interactive import InstructionSession
    from codepolicy.planning.lmp import ModelHelp
    from codepolicy.planning.planners import LLMOptions, build_model
    from codepolicy.planning.writer import ProgramWriter
    from codepolicy.primitives.profiles import get_profile
    from codepolicy.runner.executor import Executor
    from codepolicy.skills.use import load_skills

    usage = UsageLog()
    with config_errors():
        registry = get_profile(profile)
        episode = load_episode(scenario, seed)
        skills = load_skills(skill_library, registry, profile) if skill_library else None
        executor = Executor(registry=registry, perception=perception, on_event=[], skills=skills)
        executor.on_event.append(lambda e: typer.echo(_step(e)))
        writer = None
        if model or model_path:
            options = LLMOptions(
                model=model or (model_path.stem if model_path else ""),
                provider=provider,
                base_url=base_url,
                prompt=prompt,
                profile=profile,
                cache=not no_cache,
                timeout=timeout,
                max_tokens=max_tokens,
                model_path=model_path,
                feedback_image=feedback_image,
            )
            options.check()
            built = build_model(options, usage)
            executor.helpers = ModelHelp(built)
            writer = ProgramWriter(
                model=built,
                registry=registry,
                prompt=prompt,
                skills=skills.entries() if skills is not None else [],
            )
        world = make_world(episode_backend(episode, backend))
    sources = [(str(path), read_text_file(path, "program")) for path in program or []]
    with world:
        chat = InstructionSession(episode, world, executor, writer, feedback_image)
        typer.echo(f"Scene ({episode.scenario}, seed {episode.seed}):")
        for line in chat.scene():
            typer.echo(f"  {line}")
        typer.echo(f"Task of this scene: {episode.instruction}")
        for label, source in sources:
            _report(chat.run_program(source, label))
        typer.echo(HELP)
        _loop(chat)
        achieved = chat.achieved
        typer.echo(f"Session over: the task is {'achieved' if achieved else 'not achieved'}.")
        totals = usage.totals()
        if totals.calls:
            typer.echo(
                f"Model: {totals.calls} calls, {totals.tokens_in} tokens in, "
                f"{totals.tokens_out} out"
            )
    raise typer.Exit(EXIT_OK if achieved else EXIT_NOT_ACHIEVED)


def _loop(chat: Any) -> None:
    from codepolicy.llm.retry import ModelError
    from codepolicy.planning.interactive import NoModel

    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            return
        if not line:
            continue
        if line in (":quit", ":q", "quit", "exit"):
            return
        if line == ":scene":
            for text in chat.scene():
                typer.echo(f"  {text}")
            continue
        try:
            if line.startswith(":run"):
                path = Path(line.removeprefix(":run").strip())
                if not path.is_file():
                    typer.echo(f"no such program file: {path}")
                    continue
                _report(chat.run_program(path.read_text(encoding="utf-8"), str(path)))
            elif line.startswith(":"):
                typer.echo(f"unknown command {line.split()[0]!r}. {HELP}")
            else:
                _report(chat.instruct(line))
        except NoModel as exc:
            typer.echo(str(exc))
        except ModelError as exc:
            typer.echo(f"model request failed: {exc}")


def _report(turn: Any) -> None:
    if turn.draft is not None:
        typer.echo("Program:" if turn.program else "The model wrote no program.")
        for text in turn.program.splitlines():
            typer.echo(f"  {text}")
        if not turn.program and turn.draft.problem:
            typer.echo(f"  ({turn.draft.problem})")
    if turn.feedback is not None:
        typer.echo(turn.feedback.to_text(instruction=False))
