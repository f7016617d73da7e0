"""``codepolicy prompt``: print the exact messages a model would get for an episode, with tokens."""

from __future__ import annotations

import typer

from codepolicy.cli import options as opts
from codepolicy.cli.common import config_errors, fail, json_stdout


def prompt(
    scenario: str = typer.Argument(..., help="A shipped scenario name or a scenario YAML file."),
    seed: int = typer.Option(0, "--seed", help="Episode seed."),
    prompt_name: str = typer.Option(
        "zero-shot", "--prompt", help="Prompt variant (zero-shot, few-shot, cot, cap) or a file."
    ),
    profile: opts.Profile = "default",
    perception: opts.Perception = "privileged",
    backend: str = typer.Option(
        "physics", "--backend", help="World whose start scene is described (as in `run`)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
    skill_library: opts.SkillLibrary = None,
) -> None:
    """Print the exact messages for SCENARIO's episode and their token count."""
    from codepolicy.envs.backend import BACKENDS, make_world
    from codepolicy.llm.tokens import count_message_tokens, count_tokens
    from codepolicy.pipeline import episode_backend, load_episode
    from codepolicy.primitives.perception import PERCEPTION
    from codepolicy.primitives.profiles import get_profile
    from codepolicy.prompts.render import PromptTemplateError, render_prompt
    from codepolicy.runner.executor import Executor
    from codepolicy.skills.use import load_skills

    with config_errors():
        registry = get_profile(profile)
        BACKENDS.check(backend)
        PERCEPTION.check(perception)
        episode = load_episode(scenario, seed)
        skills = load_skills(skill_library, registry, profile) if skill_library else None
    from codepolicy.scenario.catalog import load_scenario, single_choice

    note = single_choice(scenario, load_scenario(scenario))
    if note is not None:  # on stderr, so `prompt X > file` holds only the prompt
        typer.echo(note.replace("; running", "; showing"), err=True)
    with json_stdout(json_output) as emit:
        with config_errors():
            world = make_world(episode_backend(episode, backend))
        try:
            executor = Executor(registry=registry, perception=perception)
            with config_errors():
                scene = executor.reset(episode, world)
        finally:
            world.close()
        try:
            entries = skills.entries() if skills is not None else []
            messages = render_prompt(
                prompt_name, registry, episode.instruction, scene, skills=entries
            )
        except PromptTemplateError as exc:
            fail(str(exc))
        total = count_message_tokens(m.content for m in messages)
        label = total.encoding if total.exact else f"{total.encoding}, an estimate"
        if json_output:
            emit(
                {
                    "scenario": episode.scenario,
                    "seed": episode.seed,
                    "prompt": prompt_name,
                    "profile": profile,
                    "perception": perception,
                    "messages": [{"role": m.role, "content": m.content} for m in messages],
                    "tokens": total.n,
                    "tokens_per_message": [count_tokens(m.content).n for m in messages],
                    "encoding": total.encoding,
                    "exact": total.exact,
                }
            )
            return
        for message in messages:
            count = count_tokens(message.content)
            typer.echo(f"===== {message.role} ({count.n} tokens) =====")
            typer.echo(message.content)
        typer.echo(f"===== total: {total.n} tokens ({label}) =====")
