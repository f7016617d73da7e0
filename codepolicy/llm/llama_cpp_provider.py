"""A local GGUF model run in-process by ``llama-cpp-python``: no separate server needed.

``pip install 'codepolicy[local]'`` (or ``scripts/local-model``, which also installs a real small
model) provides the package; it is imported only when the first answer is needed, so cache hits
and replays never load the model. The model id is the file's name without ``.gguf``, so a cache
filled through this provider is keyed the same wherever the file lives.

Each of ``n`` samples is its own generation with seed ``seed``, ``seed + 1``, ... (llama.cpp draws
one choice per call). Stop sequences are honoured by llama.cpp itself. Generation errors that can
succeed on a second try do not exist locally, so the shared retry policy retries nothing here but a
failure is still reported as a :class:`~codepolicy.llm.retry.ModelError` naming the file.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codepolicy.llm.base import (
    Completion,
    Message,
    ModelBase,
    SamplingParams,
    Usage,
    empty_problem,
)
from codepolicy.llm.images import ImageDropper
from codepolicy.llm.retry import ModelError, RetryPolicy, call_with_retry, classify_builtin

INSTALL_HINT = "pip install 'codepolicy[local]' (or run scripts/local-model)"


def import_llama_cpp() -> Any:
    """Import ``llama_cpp``.

    Raises:
        ModelError: kind ``"config"`` with an install hint if it is not installed.
    """
    try:
        return importlib.import_module("llama_cpp")
    except ImportError as exc:
        raise ModelError(
            f"the llama-cpp provider needs the 'llama-cpp-python' package: {INSTALL_HINT}",
            kind="config",
        ) from exc


class LlamaCppModel(ModelBase):
    """A GGUF model file run by llama.cpp in this process."""

    provider = "llama-cpp"

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        retry: RetryPolicy | None = None,
        llama: Any = None,
    ) -> None:
        """Args:
        model_path: The ``.gguf`` file.
        n_ctx: Context window in tokens (prompt plus answer).
        n_threads: CPU threads (default: llama.cpp's choice, the physical cores).
        retry: Retry policy shared with the other providers.
        llama: A ready ``llama_cpp.Llama`` (or stand-in with ``create_chat_completion``).

        Raises:
            ModelError: kind ``"config"`` when the file does not exist.
        """
        self.path = Path(model_path)
        if llama is None and not self.path.is_file():
            raise ModelError(
                f"no model file {self.path}: pass --model-path FILE.gguf "
                "(scripts/local-model installs one and prints its path)",
                kind="config",
            )
        self.model_id = self.path.name.removesuffix(".gguf")
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.retry = retry if retry is not None else RetryPolicy()
        self._llama = llama
        self._text_only = ImageDropper(self.provider)

    def _load(self) -> Any:
        if self._llama is None:
            llama_cpp = import_llama_cpp()
            try:
                self._llama = llama_cpp.Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(
                    f"llama.cpp could not load {self.path}: {exc}", kind="config"
                ) from exc
        return self._llama

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """``params.n`` generations, each with its own seed."""
        llama = self._load()
        base = params.seed if params.seed is not None else 0
        return [self._one(llama, messages, params, base + i) for i in range(params.n)]

    def _one(
        self, llama: Any, messages: Sequence[Message], params: SamplingParams, seed: int
    ) -> Completion:
        kwargs: dict[str, Any] = {
            "messages": self._text_only.messages(messages),
            "temperature": params.temperature,
            "max_tokens": params.max_tokens,
            "seed": seed,
        }
        if params.stop:
            kwargs["stop"] = list(params.stop)
        start = time.monotonic()
        try:
            response, retries = call_with_retry(
                lambda: llama.create_chat_completion(**kwargs), self.retry, classify_builtin
            )
        except ModelError as exc:
            raise ModelError(
                f"llama.cpp failed on {self.path.name}: {exc}", kind=exc.kind, attempts=exc.attempts
            ) from exc
        latency = time.monotonic() - start
        choices = response.get("choices") if isinstance(response, dict) else None
        if not choices:
            return Completion(
                text="",
                model=self.model_id,
                latency_s=latency,
                problem="malformed answer: llama.cpp returned no choices",
                retries=retries,
                provider=self.provider,
            )
        choice = choices[0]
        text = (choice.get("message") or {}).get("content")
        finish = choice.get("finish_reason")
        usage = response.get("usage") or {}
        return Completion(
            text=text if isinstance(text, str) else "",
            model=self.model_id,
            usage=Usage(int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))),
            latency_s=latency,
            finish_reason=str(finish) if finish is not None else None,
            problem=empty_problem(text if isinstance(text, str) else None, finish),
            retries=retries,
            provider=self.provider,
        )
