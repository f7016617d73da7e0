"""Command-line options shared by ``run`` and ``bench``: one definition, one help text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Backend = Annotated[str, typer.Option("--backend", help="physics or kinematic.")]
Model = Annotated[str | None, typer.Option("--model", help="Model name (with --planner llm).")]
BaseUrl = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")]
Provider = Annotated[str, typer.Option("--provider", help="openai, anthropic, replay, ...")]
Profile = Annotated[str, typer.Option("--profile", help="Primitive profile: default or cap.")]
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
ReplayFile = Annotated[
    Path | None, typer.Option("--replay-file", help="Answers recorded with --record.")
]
