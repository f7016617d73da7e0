"""Command-line options shared by ``run`` and ``bench``: one definition, one help text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

Backend = Annotated[str, typer.Option("--backend", help="physics, kinematic or a plugin's.")]
Model = Annotated[str | None, typer.Option("--model", help="Model name (with --planner llm).")]
BaseUrl = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")]
Provider = Annotated[str, typer.Option("--provider", help="openai, anthropic, replay, ...")]
Profile = Annotated[str, typer.Option("--profile", help="Primitive profile: default, cap, ...")]
Replan = Annotated[str, typer.Option("--replan", help="none, refine, best-of-n or closed-loop.")]
MaxRounds = Annotated[int, typer.Option("--max-rounds", help="Rounds of refine / closed-loop.")]
Candidates = Annotated[int, typer.Option("--n", help="Candidates of best-of-n.")]
Temperature = Annotated[float, typer.Option("--temperature", help="Sampling temperature.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not use the model cache.")]
Timeout = Annotated[
    float, typer.Option("--timeout", help="Seconds a model request may take (CPU models: minutes).")
]
MaxTokens = Annotated[int, typer.Option("--max-tokens", help="Answer length limit in tokens.")]
ModelPath = Annotated[
    Path | None, typer.Option("--model-path", help="GGUF file for --provider llama-cpp.")
]
FeedbackLevel = Annotated[
    str,
    typer.Option(
        "--feedback", help="What the model is told: binary, errors, explain, explain+scene."
    ),
]
FeedbackImage = Annotated[
    bool,
    typer.Option(
        "--feedback-image",
        help="Attach the camera frame to each feedback message (models that take images).",
    ),
]
ReplayFile = Annotated[
    Path | None, typer.Option("--replay-file", help="Answers recorded with --record.")
]
Perception = Annotated[
    str, typer.Option("--perception", help="Perception kind: privileged, noisy, ...")
]
SkillLibrary = Annotated[
    Path | None,
    typer.Option(
        "--skill-library", help="Skill library (codepolicy skills mine) the programs may call."
    ),
]

LLM_FLAGS: dict[str, str] = {
    "model": "--model",
    "base_url": "--base-url",
    "provider": "--provider",
    "prompt": "--prompt",
    "replan": "--replan",
    "max_rounds": "--max-rounds",
    "n": "--n",
    "temperature": "--temperature",
    "refine_from": "--refine-from",
    "helper_depth": "--helper-depth",
    "no_cache": "--no-cache",
    "replay_file": "--replay-file",
    "record": "--record",
    "timeout": "--timeout",
    "max_tokens": "--max-tokens",
    "model_path": "--model-path",
    "feedback": "--feedback",
    "feedback_image": "--feedback-image",
}
"""Parameters that only configure model-written programs, and their flags."""

HELPER_MODEL_FLAGS: frozenset[str] = frozenset(
    {
        "--model",
        "--base-url",
        "--provider",
        "--no-cache",
        "--replay-file",
        "--record",
        "--timeout",
        "--max-tokens",
        "--model-path",
        "--helper-depth",
    }
)
"""Model flags that also apply to ``--program`` runs: the model writes the functions a program
calls but does not define, and serves the profile's helper LMPs (Code as Policies)."""
HELPER_MODEL_FLAGS_PARAMS: tuple[str, ...] = (
    "base_url",
    "provider",
    "no_cache",
    "replay_file",
    "record",
    "timeout",
    "max_tokens",
)
"""Parameters of :data:`HELPER_MODEL_FLAGS` that mean nothing without a model."""


def given(ctx: typer.Context, names: Iterable[str]) -> list[str]:
    """The flags among ``names`` the user really passed (not left at their defaults)."""
    passed = []
    for name in names:
        source = ctx.get_parameter_source(name)
        if source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP"):
            passed.append(LLM_FLAGS.get(name, "--" + name.replace("_", "-")))
    return passed
