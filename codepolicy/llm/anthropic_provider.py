"""Anthropic models via the optional ``anthropic`` SDK (``pip install 'codepolicy[anthropic]'``).

The SDK is imported only when a model is built, so the rest of codepolicy works without it. System
messages are joined into the ``system`` parameter; ``n`` samples are drawn as ``n`` requests (the
Messages API has no ``n``); ``seed`` is ignored (the API has none).
"""

from __future__ import annotations

import importlib
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
from codepolicy.llm.images import anthropic_content
from codepolicy.llm.retry import (
    ModelError,
    RetryPolicy,
    Transient,
    call_with_retry,
    classify_builtin,
    parse_retry_after,
)

INSTALL_HINT = "pip install 'codepolicy[anthropic]'"


def import_anthropic() -> Any:
    """Import the ``anthropic`` SDK.

    Raises:
        ModelError: kind ``"config"`` with an install hint if it is not installed.
    """
    try:
        return importlib.import_module("anthropic")
    except ImportError as exc:
        raise ModelError(
            f"the Anthropic provider needs the 'anthropic' package: {INSTALL_HINT}",
            kind="config",
        ) from exc


def classify_anthropic(exc: BaseException) -> Transient | None:
    """Which ``anthropic`` SDK exceptions are worth retrying."""
    anthropic = import_anthropic()
    if isinstance(exc, anthropic.APITimeoutError):
        return Transient("timeout")
    if isinstance(exc, anthropic.APIConnectionError):
        return Transient("connection")
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        retry_after = parse_retry_after(exc.response.headers.get("retry-after"))
        if status == 429:
            return Transient("rate_limit", retry_after=retry_after, status=status)
        if status >= 500 or status in (408, 529):
            return Transient("server_error", retry_after=retry_after, status=status)
        return None
    return classify_builtin(exc)


class AnthropicModel(ModelBase):
    """A Claude model via the Messages API."""

    provider = "anthropic"

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
        model: Model name, e.g. ``claude-sonnet-4-5``.
        base_url: Endpoint override (default: the SDK's, or ``ANTHROPIC_BASE_URL``).
        api_key: Key (default: ``ANTHROPIC_API_KEY``, read by the SDK).
        timeout: Seconds per attempt.
        retry: Retry policy.
        client: A ready ``anthropic.Anthropic`` client.

        Raises:
            ModelError: kind ``"config"`` if the SDK is not installed.
        """
        self.model_id = model
        self.retry = retry if retry is not None else RetryPolicy()
        if client is None:
            anthropic = import_anthropic()
            kwargs: dict[str, Any] = {"timeout": timeout, "max_retries": 0}
            if base_url:
                kwargs["base_url"] = base_url
            if api_key:
                kwargs["api_key"] = api_key
            client = anthropic.Anthropic(**kwargs)
        self.client = client

    def _one(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        chat = [
            {"role": m.role, "content": anthropic_content(m)}
            for m in messages
            if m.role != "system"
        ]
        kwargs: dict[str, Any] = {
            "model": self.model_id,
            "messages": chat,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
        }
        if system:
            kwargs["system"] = system
        start = time.monotonic()
        response, retries = call_with_retry(
            lambda: self.client.messages.create(**kwargs), self.retry, classify_anthropic
        )
        latency = time.monotonic() - start
        blocks = getattr(response, "content", None) or []
        text = "".join(getattr(b, "text", "") for b in blocks if getattr(b, "type", "") == "text")
        finish = getattr(response, "stop_reason", None)
        usage = getattr(response, "usage", None)
        return Completion(
            text=text,
            model=str(getattr(response, "model", None) or self.model_id),
            usage=Usage(
                int(getattr(usage, "input_tokens", 0) or 0),
                int(getattr(usage, "output_tokens", 0) or 0),
            ),
            latency_s=latency,
            finish_reason=str(finish) if finish is not None else None,
            problem=empty_problem(text, finish),
            retries=retries,
            provider=self.provider,
        )

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """``params.n`` sequential requests."""
        return [self._one(messages, params) for _ in range(params.n)]
