"""Building an LLM solver from ``codepolicy run`` / ``bench`` options, with clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codepolicy.cli.common import fail
from codepolicy.envs.backend import Backend
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL, FEEDBACK_LEVELS
from codepolicy.llm import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S, PROVIDERS, make_model
from codepolicy.llm.usage import TrackedModel, UsageLog
from codepolicy.planning.strategies import STRATEGIES, Solver
from codepolicy.planning.writer import ProgramWriter
from codepolicy.primitives.profiles import PROFILES, get_profile
from codepolicy.prompts.render import shipped_variants


@dataclass
class LLMOptions:
    """Everything that configures model-written programs."""

    model: str
    provider: str = "openai"
    base_url: str | None = None
    prompt: str = "zero-shot"
    profile: str = "default"
    replan: str = "none"
    max_rounds: int = 3
    n: int = 4
    temperature: float = 0.0
    refine_from: str = "current"
    helper_depth: int = 2
    cache: bool = True
    replay_file: Path | None = None
    record_file: Path | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    max_tokens: int = DEFAULT_MAX_TOKENS
    model_path: Path | None = None
    show_progress: bool = False
    feedback: str = DEFAULT_FEEDBACK_LEVEL

    def check(self) -> None:
        """Exit 2 with a message naming the option if any value is invalid."""
        if self.provider not in PROVIDERS:
            fail(f"unknown --provider '{self.provider}'; choose one of: {', '.join(PROVIDERS)}")
        if self.profile not in PROFILES:
            fail(f"unknown --profile '{self.profile}'; choose one of: {', '.join(PROFILES)}")
        if self.replan not in STRATEGIES:
            fail(f"unknown --replan '{self.replan}'; choose one of: {', '.join(STRATEGIES)}")
        if self.refine_from not in ("current", "reset"):
            fail(f"--refine-from must be 'current' or 'reset', not '{self.refine_from}'")
        if self.prompt not in shipped_variants() and not Path(self.prompt).is_file():
            fail(
                f"--prompt '{self.prompt}' is neither a shipped variant "
                f"({', '.join(shipped_variants())}) nor an existing template file"
            )
        if self.max_rounds < 1 or self.n < 1:
            fail("--max-rounds and --n must be at least 1")
        if not 0.0 <= self.temperature <= 2.0:
            fail(f"--temperature must be in [0, 2], got {self.temperature}")
        if self.feedback not in FEEDBACK_LEVELS:
            fail(
                f"unknown --feedback '{self.feedback}'; choose one of: {', '.join(FEEDBACK_LEVELS)}"
            )
        if self.timeout <= 0:
            fail(f"--timeout must be a positive number of seconds, got {self.timeout:g}")
        if self.max_tokens < 1:
            fail(f"--max-tokens must be at least 1, got {self.max_tokens}")
        if self.provider == "llama-cpp" and self.model_path is None:
            fail(
                "--provider llama-cpp needs --model-path FILE.gguf (scripts/local-model prints one)"
            )
        if self.model_path is not None and not Path(self.model_path).is_file():
            fail(f"--model-path {self.model_path}: no such file")
        if self.provider == "replay" and self.replay_file is None:
            fail("--provider replay needs --replay-file FILE (a recording made with --record)")


def build_model(options: LLMOptions, usage: UsageLog) -> TrackedModel:
    """The model stack (usage tracking, recording, cache, retries, provider) for ``options``."""
    from codepolicy.llm.progress import line_progress
    from codepolicy.llm.retry import ModelError

    try:
        return make_model(
            options.provider,
            options.model,
            options.base_url,
            timeout=options.timeout,
            model_path=options.model_path,
            progress=line_progress() if options.show_progress else None,
            cache=options.cache,
            replay_file=options.replay_file,
            record_file=options.record_file,
            usage=usage,
        )
    except ModelError as exc:
        fail(str(exc))


def build_solver(
    options: LLMOptions, backend: Backend, usage: UsageLog, on_event: object = None
) -> Solver:
    """A :class:`Solver` with a model-backed writer for ``options``."""
    writer = ProgramWriter(
        model=build_model(options, usage),
        registry=get_profile(options.profile),
        prompt=options.prompt,
        temperature=options.temperature,
        max_tokens=options.max_tokens,
    )
    return Solver(
        writer=writer,
        backend=backend,
        strategy=options.replan,
        max_rounds=options.max_rounds,
        n=options.n,
        sample_temperature=options.temperature if options.temperature > 0 else 0.8,
        refine_from=options.refine_from,
        helper_depth=options.helper_depth,
        on_event=on_event,  # type: ignore[arg-type]
        feedback_level=options.feedback,
    )
