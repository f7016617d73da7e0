"""Models behind any OpenAI-compatible chat-completions endpoint, via the official ``openai`` SDK.

Works with OpenAI itself and with local servers (vLLM, Ollama, llama.cpp, LM Studio, and
:class:`~codepolicy.testing.scripted_server.ScriptedServer`). Configuration, in order of precedence:
explicit arguments, then ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``. When a base URL is set but no
key, a dummy key is used (local servers ignore it).

The SDK's own retries are switched off; :mod:`codepolicy.llm.retry` retries 429 (honouring
``Retry-After``), 5xx and refused connections, then raises :class:`~codepolicy.llm.retry.ModelError`
with a sentence naming the URL and the likely cause; a timed-out request is not repeated.

Local servers (Ollama, llama.cpp) ignore ``n`` and return one choice: the first time that happens
the model notes it and draws the remaining samples as separate requests with distinct seeds
(``seed``, ``seed + 1``, ...), and from then on sends ``n`` separate requests directly.

With ``stream=True`` answers are streamed: ``progress`` is called as tokens arrive, and the answer
is cut at the first stop sequence even if the server does not honour ``stop`` itself.

A 200 response whose body is not a usable chat
completion (not JSON, no choices, empty content) is *not* an exception: it becomes a
:class:`~codepolicy.llm.base.Completion` with empty text and a ``problem``, and is not retried.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from codepolicy.llm.base import (
    DEFAULT_TIMEOUT_S,
    Completion,
    Message,
    ModelBase,
    SamplingParams,
    Usage,
    empty_problem,
)
from codepolicy.llm.images import openai_messages
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


Progress = Callable[[int, float], None]
"""Called while an answer streams in, with the tokens received so far and seconds elapsed."""


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def connection_hint(exc: BaseException, url: str) -> str:
    """A sentence naming ``url`` and the likely cause of a failed connection."""
    chain = _causes(exc)
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text:
        return f"nothing is listening on {url} — is the server running?"
    if any(isinstance(e, socket.gaierror) for e in chain) or "name or service" in text:
        return f"the host of {url} cannot be resolved — check --base-url"
    if any(isinstance(e, ConnectionResetError) for e in chain) or "disconnected" in text:
        return f"the server at {url} closed the connection — did it crash or run out of memory?"
    return f"could not connect to {url} ({chain[-1]})"


def classify_openai(
    exc: BaseException, url: str = "the server", timeout: float = 0.0
) -> Transient | None:
    """Which ``openai`` SDK exceptions are worth retrying, with a sentence for the person.

    Args:
        exc: What the SDK raised.
        url: The endpoint, named in the messages.
        timeout: The timeout in force, named in the timeout message.
    """
    import openai

    bases = {cls.__name__ for cls in type(exc).__mro__}
    # APITimeoutError subclasses APIConnectionError: check it first. A stream that stalls or breaks
    # mid-answer raises the HTTP library's own errors (httpx or its successor, depending on the
    # SDK's version), recognised by their class names.
    if isinstance(exc, openai.APITimeoutError) or "TimeoutException" in bases:
        return Transient(
            "timeout",
            message=f"{url} sent nothing for {timeout:g} s; a request that timed out is not "
            "repeated — raise --timeout, lower --max-tokens or shorten the prompt",
        )
    if isinstance(exc, openai.APIConnectionError):
        return Transient("connection", message=connection_hint(exc, url))
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        retry_after = parse_retry_after(exc.response.headers.get("retry-after"))
        if status == 429:
            return Transient("rate_limit", retry_after=retry_after, status=status)
        if status >= 500 or status == 408:
            return Transient("server_error", retry_after=retry_after, status=status)
        return None
    if "TransportError" in bases:
        return Transient("connection", message=connection_hint(exc, url))
    transient = classify_builtin(exc)
    if transient is not None and transient.kind == "connection":
        return replace(transient, message=connection_hint(exc, url))
    return transient


class _Malformed:
    """The server answered 200 with a body that is not a chat completion."""

    def __init__(self, problem: str) -> None:
        self.problem = problem


class _Streamed:
    """A streamed answer, assembled."""

    def __init__(self, text: str, finish: str | None, usage: Any, chunks: int, model: str) -> None:
        self.text = text
        self.finish = finish
        self.tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        # Servers that send no usage in streams: one content chunk is one token on llama.cpp,
        # vLLM and Ollama, so the count is exact there and an estimate elsewhere.
        self.tokens_out = int(getattr(usage, "completion_tokens", 0) or 0) or chunks
        self.model = model

    def completion(self, owner: OpenAICompatModel, latency: float, retries: int) -> Completion:
        return Completion(
            text=self.text,
            model=self.model,
            usage=Usage(self.tokens_in, self.tokens_out),
            latency_s=latency,
            finish_reason=self.finish,
            problem=empty_problem(self.text, self.finish),
            retries=retries,
            provider=owner.provider,
        )


def _cut_at_stop(text: str, stop: Sequence[str]) -> str | None:
    """``text`` up to the first stop sequence in it, or None if it holds none."""
    found = [i for i in (text.find(s) for s in stop) if i >= 0]
    return text[: min(found)] if found else None


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
        timeout: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        client: Any = None,
        stream: bool = False,
        progress: Progress | None = None,
    ) -> None:
        """Args:
        model: Model name as the server knows it (``gpt-4o-mini``, ``qwen2.5-coder:7b``...).
        base_url: Endpoint, e.g. ``http://localhost:8000/v1``; default ``OPENAI_BASE_URL`` or
            OpenAI's.
        api_key: Key; default ``OPENAI_API_KEY``, or a dummy when a base URL is set.
        timeout: Seconds per attempt (while streaming: seconds without a new byte).
        retry: Retry policy (default :class:`RetryPolicy`).
        client: A ready ``openai.OpenAI`` client to use instead of building one.
        stream: Stream single answers (cut at the first stop sequence client-side too).
        progress: Called as streamed tokens arrive (implies ``stream``).

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
        self.base_url = str(getattr(client, "base_url", base_url or "")).rstrip("/")
        self.timeout = timeout
        self.stream = stream or progress is not None
        self.progress = progress
        self.ignores_n = False
        """Set once the server answered a request for n > 1 choices with fewer."""

    def _classify(self, exc: BaseException) -> Transient | None:
        return classify_openai(exc, self.base_url or "the server", self.timeout)

    def _kwargs(self, messages: Sequence[Message], params: SamplingParams) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model_id,
            "messages": openai_messages(messages),
            "temperature": params.temperature,
            "max_tokens": params.max_tokens,
        }
        if params.seed is not None:
            kwargs["seed"] = params.seed
        if params.n != 1:
            kwargs["n"] = params.n
        if params.stop:
            kwargs["stop"] = list(params.stop)
        return kwargs

    def _request(self, messages: Sequence[Message], params: SamplingParams) -> Any:
        try:
            if self.stream and params.n == 1:
                return self._streamed(messages, params)
            return self.client.chat.completions.create(**self._kwargs(messages, params))
        except ValueError as exc:  # the SDK could not decode the body (JSONDecodeError)
            return _Malformed(f"malformed answer: the server's body is not valid JSON ({exc})")

    def _streamed(self, messages: Sequence[Message], params: SamplingParams) -> Any:
        """Stream one answer, reporting progress and cutting at the first stop sequence."""
        kwargs = self._kwargs(messages, params)
        stream = self.client.chat.completions.create(
            **kwargs, stream=True, stream_options={"include_usage": True}
        )
        started = time.monotonic()
        parts: list[str] = []
        chunks = 0
        finish: str | None = None
        usage: Any = None
        model = self.model_id
        try:
            for chunk in stream:
                model = str(getattr(chunk, "model", None) or model)
                usage = getattr(chunk, "usage", None) or usage
                for choice in getattr(chunk, "choices", None) or []:
                    delta = getattr(getattr(choice, "delta", None), "content", None)
                    if isinstance(delta, str) and delta:
                        parts.append(delta)
                        chunks += 1
                    finish = getattr(choice, "finish_reason", None) or finish
                if self.progress is not None and chunks:
                    self.progress(chunks, time.monotonic() - started)
                text = "".join(parts)
                cut = _cut_at_stop(text, params.stop)
                if cut is not None:
                    parts, finish = [cut], "stop"
                    break
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()
        streamed = _Streamed("".join(parts), finish, usage, chunks, model)
        if not streamed.tokens_in:  # llama.cpp's server sends no usage in streams: estimate
            from codepolicy.llm.tokens import count_message_tokens

            streamed.tokens_in = count_message_tokens(m.content for m in messages).n
        return streamed

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """``params.n`` choices: one request, or separate ones where the server ignores ``n``."""
        if params.n > 1 and self.ignores_n:
            return self._separately(messages, params, [])
        first = self._one_request(messages, params)
        if params.n > 1 and sum(c.problem is None for c in first) == 1 and first[0].ok:
            self.ignores_n = True
            return self._separately(messages, params, first[:1])
        return first

    def _one_request(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        start = time.monotonic()
        response, retries = call_with_retry(
            lambda: self._request(messages, params), self.retry, self._classify
        )
        latency = time.monotonic() - start
        if isinstance(response, _Malformed):
            return [self._problem(response.problem, latency, retries)] * params.n
        if isinstance(response, _Streamed):
            return [response.completion(self, latency, retries)]
        return self._parse(response, params.n, latency, retries)

    def _separately(
        self, messages: Sequence[Message], params: SamplingParams, have: list[Completion]
    ) -> list[Completion]:
        """Fill up to ``params.n`` answers with one-choice requests, each with its own seed."""
        base = params.seed if params.seed is not None else 0
        out = list(have)
        while len(out) < params.n:
            single = replace(params, n=1, seed=base + len(out))
            try:
                out.extend(self._one_request(messages, single))
            except ModelError as exc:
                if not out:
                    raise
                problem = f"candidate {len(out) + 1} of {params.n} was not obtained: {exc}"
                out.extend(
                    self._problem(problem, 0.0, exc.attempts - 1)
                    for _ in range(params.n - len(out))
                )
        return out

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
        details = getattr(usage, "prompt_tokens_details", None)
        cached = int(getattr(details, "cached_tokens", 0) or 0)
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
                    usage=Usage(tokens_in, tokens_out, cached) if index == 0 else Usage(),
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
        page, _ = call_with_retry(lambda: self.client.models.list(), self.retry, self._classify)
        return [m.id for m in page.data]
