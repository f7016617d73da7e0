"""Models behind any OpenAI-compatible chat-completions endpoint, via the official ``openai`` SDK.

Works with OpenAI itself and with local servers (vLLM, Ollama, llama.cpp, LM Studio, and
:class:`~codepolicy.llm.scripted_server.ScriptedServer`). Configuration, in order of precedence:
explicit arguments, then ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``. When a base URL is set but no
key, a dummy key is used (local servers ignore it).

The SDK's own retries are switched off; :mod:`codepolicy.llm.retry` retries 429 (honouring
``Retry-After``), 5xx, timeouts and connection errors, then raises
:class:`~codepolicy.llm.retry.ModelError`. A 200 response whose body is not a usable chat
completion (not JSON, no choices, empty content) is *not* an exception: it becomes a
:class:`~codepolicy.llm.base.Completion` with empty text and a ``problem``, and is not retried.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from codepolicy.llm.base import (
    Completion,
    Message,
    ModelBase,
    SamplingParams,
    Usage,
    empty_problem,
)
from codepolicy.llm.retry import (
    ModelError,
    RetryPolicy,
    Transient,
    call_with_retry,
    classify_builtin,
    parse_retry_after,
)

DUMMY_API_KEY = "not-needed"
"""Key sent to servers that need none (a base URL was given without a key)."""


def classify_openai(exc: BaseException) -> Transient | None:
    """Which ``openai`` SDK exceptions are worth retrying."""
    import openai

    if isinstance(exc, openai.APITimeoutError):  # subclass of APIConnectionError: check first
        return Transient("timeout")
    if isinstance(exc, openai.APIConnectionError):
        return Transient("connection")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        retry_after = parse_retry_after(exc.response.headers.get("retry-after"))
        if status == 429:
            return Transient("rate_limit", retry_after=retry_after, status=status)
        if status >= 500 or status == 408:
            return Transient("server_error", retry_after=retry_after, status=status)
        return None
    return classify_builtin(exc)


class _Malformed:
    """The server answered 200 with a body that is not a chat completion."""

    def __init__(self, problem: str) -> None:
        self.problem = problem


def resolve_connection(base_url: str | None, api_key: str | None) -> tuple[str | None, str]:
    """Base URL and key from arguments, then the environment, then the dummy key.

    Raises:
        ModelError: kind ``"config"`` when neither a key nor a base URL is known.
    """
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
    if api_key is None:
        if base_url is None:
            raise ModelError(
                "no API key: set OPENAI_API_KEY, or pass --base-url for a local "
                "OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio)",
                kind="config",
            )
        api_key = DUMMY_API_KEY
    return base_url, api_key


class OpenAICompatModel(ModelBase):
    """A chat model behind an OpenAI-compatible endpoint."""

    provider = "openai-compat"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        client: Any = None,
    ) -> None:
        """Args:
        model: Model name as the server knows it (``gpt-4o-mini``, ``qwen2.5-coder:7b``...).
        base_url: Endpoint, e.g. ``http://localhost:8000/v1``; default ``OPENAI_BASE_URL`` or
            OpenAI's.
        api_key: Key; default ``OPENAI_API_KEY``, or a dummy when a base URL is set.
        timeout: Seconds per attempt.
        retry: Retry policy (default :class:`RetryPolicy`).
        client: A ready ``openai.OpenAI`` client to use instead of building one.

        Raises:
            ModelError: kind ``"config"`` when there is neither a key nor a base URL.
        """
        self.model_id = model
        self.retry = retry if retry is not None else RetryPolicy()
        if client is None:
            import openai

            url, key = resolve_connection(base_url, api_key)
            client = openai.OpenAI(base_url=url, api_key=key, timeout=timeout, max_retries=0)
        self.client = client
        self.base_url = str(getattr(client, "base_url", base_url or ""))

    def _request(self, messages: Sequence[Message], params: SamplingParams) -> Any:
        kwargs: dict[str, Any] = {
            "model": self.model_id,
            "messages": [m.to_dict() for m in messages],
            "temperature": params.temperature,
            "max_tokens": params.max_tokens,
        }
        if params.seed is not None:
            kwargs["seed"] = params.seed
        if params.n != 1:
            kwargs["n"] = params.n
        try:
            return self.client.chat.completions.create(**kwargs)
        except ValueError as exc:  # the SDK could not decode the body (JSONDecodeError)
            return _Malformed(f"malformed answer: the server's body is not valid JSON ({exc})")

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """One request for ``params.n`` choices; see the module doc for errors."""
        start = time.monotonic()
        response, retries = call_with_retry(
            lambda: self._request(messages, params), self.retry, classify_openai
        )
        latency = time.monotonic() - start
        if isinstance(response, _Malformed):
            return [self._problem(response.problem, latency, retries)] * params.n
        return self._parse(response, params.n, latency, retries)

    def _problem(self, problem: str, latency: float, retries: int) -> Completion:
        return Completion(
            text="",
            model=self.model_id,
            latency_s=latency,
            problem=problem,
            retries=retries,
            provider=self.provider,
        )

    def _parse(self, response: Any, n: int, latency: float, retries: int) -> list[Completion]:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list) or not choices:
            if hasattr(response, "choices"):
                problem = "malformed answer: the chat completion has no choices"
            else:
                preview = " ".join(str(response).split())[:80]
                problem = f"malformed answer: expected a chat completion, got {preview!r}"
            return [self._problem(problem, latency, retries)] * n
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        model = str(getattr(response, "model", None) or self.model_id)
        out = []
        for index, choice in enumerate(choices[:n]):
            message = getattr(choice, "message", None)
            text = getattr(message, "content", None)
            finish = getattr(choice, "finish_reason", None)
            if text is not None and not isinstance(text, str):
                text = None
            out.append(
                Completion(
                    text=text or "",
                    model=model,
                    usage=Usage(tokens_in, tokens_out) if index == 0 else Usage(),
                    latency_s=latency,
                    finish_reason=str(finish) if finish is not None else None,
                    problem=empty_problem(text, finish),
                    retries=retries,
                    provider=self.provider,
                )
            )
        while len(out) < n:
            out.append(
                self._problem(
                    f"the server returned {len(choices)} of {n} choices", latency, retries
                )
            )
        return out

    def list_models(self) -> list[str]:
        """Model ids the server offers (``GET /models``).

        Raises:
            ModelError: the server could not be reached or refused.
        """
        page, _ = call_with_retry(lambda: self.client.models.list(), self.retry, classify_openai)
        return [m.id for m in page.data]
