"""Language-model providers behind one small seam, with a response cache, replay and retries.

Build a model with :func:`make_model`; it stacks the provider, an optional recorder, the disk
cache and usage tracking::

    model = make_model("openai", "qwen2.5-coder:7b", "http://localhost:11434/v1")
    completion = model.complete([Message("user", "...")])
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from codepolicy.llm.base import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_TIMEOUT_S,
    Completion,
    Message,
    Model,
    ModelBase,
    SamplingParams,
    Usage,
)
from codepolicy.llm.cache import CachedModel, DiskCache, request_key
from codepolicy.llm.openai_compat import Progress
from codepolicy.llm.replay import RecordingModel, ReplayModel
from codepolicy.llm.retry import ModelError, RetryPolicy
from codepolicy.llm.usage import TrackedModel, UsageLog, UsageTotals
from codepolicy.registry import Registry

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TIMEOUT_S",
    "PROVIDERS",
    "CachedModel",
    "Completion",
    "DiskCache",
    "Message",
    "Model",
    "ModelBase",
    "ModelError",
    "RecordingModel",
    "ReplayModel",
    "RetryPolicy",
    "SamplingParams",
    "TrackedModel",
    "Usage",
    "UsageLog",
    "UsageTotals",
    "make_model",
    "request_key",
]

ProviderFactory = Callable[..., Model]
"""A plugin provider: ``factory(model, *, base_url, api_key, timeout, retry) -> Model``."""

PROVIDERS: Registry[str | ProviderFactory] = Registry("provider", group="codepolicy.providers")
"""Accepted provider names. Ours map to the implementation they use: the local servers all speak
OpenAI's API (``llamacpp`` is llama.cpp's server); ``llama-cpp`` runs a GGUF file in-process
(``--model-path``). A separately installed package registers a :data:`ProviderFactory` in the
``codepolicy.providers`` entry-point group."""
for _name, _kind in {
    "openai": "openai-compat",
    "openai-compat": "openai-compat",
    "vllm": "openai-compat",
    "ollama": "openai-compat",
    "llamacpp": "openai-compat",
    "lmstudio": "openai-compat",
    "anthropic": "anthropic",
    "replay": "replay",
    "llama-cpp": "llama-cpp",
}.items():
    PROVIDERS.register(_name, _kind)


def make_model(
    provider: str,
    model: str,
    base_url: str | None = None,
    *,
    api_key: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    retry: RetryPolicy | None = None,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    cache_sampling: bool = False,
    replay_file: str | os.PathLike[str] | None = None,
    record_file: str | os.PathLike[str] | None = None,
    usage: UsageLog | None = None,
    model_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> TrackedModel:
    """Build a ready-to-use model.

    Args:
        provider: One of :data:`PROVIDERS` (``openai``, ``anthropic``, ``replay``, ...).
        model: Model name; for ``replay``, which recorded model to replay ("" for the only one);
            for ``llama-cpp``, ignored (the file's name is the model id).
        base_url: Endpoint of an OpenAI-compatible server (or an Anthropic proxy).
        api_key: Key; default from the environment (a dummy for a local base URL).
        timeout: Seconds per attempt (while streaming: seconds without a new token).
        retry: Retry policy (default: 4 retries, exponential backoff with jitter).
        cache: Use the disk cache (temperature-0 requests; never for replay, which needs none).
        cache_dir: Cache directory (default ``$CODEPOLICY_CACHE_DIR`` or ``~/.cache/codepolicy/llm``).
        cache_sampling: Also cache temperature > 0 requests.
        replay_file: For ``replay``: the JSONL file to answer from.
        record_file: Append every request and answer to this JSONL file (replayable later).
        usage: Where to record usage (a new :class:`UsageLog` if None; see ``.log``).
        model_path: For ``llama-cpp``: the ``.gguf`` file.
        progress: Stream answers of OpenAI-compatible servers and call this with the tokens so far
            and the seconds elapsed (see :func:`codepolicy.llm.progress.line_progress`).

    Returns:
        A :class:`TrackedModel` (its ``.log`` holds usage) wrapping the stack.

    Raises:
        ModelError: kind ``"config"`` for an unknown provider, a missing key or SDK, or a missing
            replay or model file.
    """
    if provider.lower() not in PROVIDERS:
        raise ModelError(
            f"unknown provider {provider!r}; choose one of {sorted(PROVIDERS)}", kind="config"
        )
    kind = PROVIDERS.get(provider.lower())
    inner: Model
    if callable(kind):
        inner = kind(model, base_url=base_url, api_key=api_key, timeout=timeout, retry=retry)
    elif kind == "replay":
        if replay_file is None:
            raise ModelError("the replay provider needs a replay file", kind="config")
        inner = ReplayModel(Path(replay_file), model=model or None)
        cache = False
    elif kind == "llama-cpp":
        if model_path is None:
            raise ModelError(
                "the llama-cpp provider needs a model file (--model-path FILE.gguf)", kind="config"
            )
        from codepolicy.llm.llama_cpp_provider import LlamaCppModel

        inner = LlamaCppModel(model_path, retry=retry)
    elif kind == "anthropic":
        from codepolicy.llm.anthropic_provider import AnthropicModel

        inner = AnthropicModel(
            model, base_url=base_url, api_key=api_key, timeout=timeout, retry=retry
        )
    else:
        from codepolicy.llm.openai_compat import OpenAICompatModel

        inner = OpenAICompatModel(
            model,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            retry=retry,
            progress=progress,
        )
    if cache:
        inner = CachedModel(inner, DiskCache(cache_dir), cache_sampling=cache_sampling)
    if record_file is not None:  # outside the cache, so cache hits are recorded too
        inner = RecordingModel(inner, record_file)
    return TrackedModel(inner, usage)
