"""``codepolicy prompt``: print the exact messages a model would get for an episode, with tokens."""

from __future__ import annotations

import typer

from codepolicy.cli.common import fail, json_stdout
from codepolicy.feedback.scene import describe_scene
from codepolicy.primitives.profiles import PROFILES, get_profile
from codepolicy.prompts.render import PromptTemplateError, render_prompt
from codepolicy.prompts.tokens import count_message_tokens, count_tokens
from codepolicy.runner.episode import BACKENDS, make_backend, spawns, world_kind


def prompt(
    scenario: str = typer.Argument(..., help="A shipped scenario name or a scenario YAML file."),
    seed: int = typer.Option(0, "--seed", help="Episode seed."),
    prompt_name: str = typer.Option(
        "zero-shot", "--prompt", help="Prompt variant (zero-shot, few-shot, cot, cap) or a file."
    ),
    profile: str = typer.Option("default", "--profile", help="Primitive profile: default or cap."),
    backend: str = typer.Option(
        "physics", "--backend", help="World whose start scene is described (as in `run`)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Print the exact messages for SCENARIO's episode and their token count."""
    from codepolicy.cli.run import _load_episode

    if profile not in PROFILES:
        fail(f"unknown --profile '{profile}'; choose one of: {', '.join(PROFILES)}")
    if backend not in BACKENDS:
        fail(f"unknown backend '{backend}'; choose one of: {', '.join(BACKENDS)}")
    episode = _load_episode(scenario, seed)
    with json_stdout(json_output) as emit:
        world = make_backend(world_kind(episode, backend))
        try:
            scene = describe_scene(world.reset(spawns(episode), seed=episode.seed))
        finally:
            world.close()
        try:
            messages = render_prompt(prompt_name, get_profile(profile), episode.instruction, scene)
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
