"""The model seam: messages in, completions out.

Every provider (an OpenAI-compatible server, Anthropic, a replay file) and every wrapper (cache,
recorder, usage tracking) implements :class:`Model`. All of them funnel into one method,
:meth:`Model.generate`, which takes the messages and a :class:`SamplingParams` and returns one
:class:`Completion` per requested sample; :meth:`Model.complete` and :meth:`Model.sample` are
conveniences on top of it (see :class:`ModelBase`).

A malformed or empty answer is not an exception here: the completion comes back with empty
``text`` and a ``problem`` string, so the planner can show the model what went wrong. Transport
failures that survive the retries raise :class:`codepolicy.llm.retry.ModelError`.

Example:
    >>> msg = Message("user", "hi")
    >>> msg.to_dict()
    {'role': 'user', 'content': 'hi'}
    >>> Completion(text="", model="m", problem="empty answer").ok
    False
"""

from __future__ import annotations

import base64
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

ROLES = ("system", "user", "assistant")
"""Roles a :class:`Message` may have."""

DEFAULT_MAX_TOKENS = 512
"""Answer length limit: a program for a tabletop task is well under 300 tokens, and a 1.5B model on
a CPU writes ~10 tokens/s, so a rambling answer is cut after about a minute rather than two."""
DEFAULT_TIMEOUT_S = 300.0
"""Seconds a request may take: prompt prefill plus generation of a small model on a CPU."""


@dataclass(frozen=True)
class ImagePart:
    """A PNG image attached to a message (the camera frame of visual feedback).

    Attributes:
        png: The PNG file's bytes.
        width: Pixels across.
        height: Pixels down.
    """

    png: bytes
    width: int
    height: int

    media_type = "image/png"

    @property
    def sha256(self) -> str:
        """Hex digest of the PNG bytes: what cache keys and replay records hold instead of them."""
        return hashlib.sha256(self.png).hexdigest()

    def base64(self) -> str:
        """The PNG bytes in base64 (what image content blocks of chat APIs carry)."""
        return base64.b64encode(self.png).decode("ascii")

    def data_url(self) -> str:
        """A ``data:image/png;base64,...`` URL (OpenAI-compatible ``image_url`` content)."""
        return f"data:{self.media_type};base64,{self.base64()}"

    def to_dict(self) -> dict[str, Any]:
        """The image as cache keys and replay records see it: its hash and size, never its bytes."""
        return {
            "sha256": self.sha256,
            "media_type": self.media_type,
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class Message:
    """One chat message.

    Attributes:
        role: ``"system"``, ``"user"`` or ``"assistant"``.
        content: The text.
        images: Images shown with the text (visual feedback); only providers that take images
            send them (:func:`text_only`).
    """

    role: str
    content: str
    images: tuple[ImagePart, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"message role must be one of {ROLES}, got {self.role!r}")

    def to_dict(self) -> dict[str, Any]:
        """The message as the ``{"role", "content"}`` dict chat APIs take; with images, an
        ``"images"`` list of their hashes and sizes is added (cache keys, replay records)."""
        data: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.images:
            data["images"] = [image.to_dict() for image in self.images]
        return data

    def text_dict(self) -> dict[str, str]:
        """The text-only ``{"role", "content"}`` dict (what text-only chat APIs are sent)."""
        return {"role": self.role, "content": self.content}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        """Inverse of :meth:`to_dict`."""
        return cls(role=str(data["role"]), content=str(data.get("content") or ""))


@dataclass(frozen=True)
class Usage:
    """Token usage of one call, as reported by the provider (0 when it reports none).

    ``cached_in`` is the part of ``tokens_in`` the server served from its prefix cache, where it
    says (OpenAI's and vLLM's ``prompt_tokens_details.cached_tokens``).
    """

    tokens_in: int = 0
    tokens_out: int = 0
    cached_in: int = 0


@dataclass(frozen=True)
class Completion:
    """One answer of a model.

    Attributes:
        text: The answer text; empty when the answer was empty or malformed.
        model: The model id that answered (as reported by the server when it says).
        usage: Tokens in and out of the call. When one call draws ``n`` samples, the first
            completion carries the call's usage and the others zero, so sums stay right.
        latency_s: Wall-clock seconds of the call including retries; 0 for cache hits.
        cache_hit: Whether the answer came from the cache or a replay file, not a model.
        finish_reason: The provider's raw finish reason (``"stop"``, ``"length"``...), if any.
        problem: Why the answer is unusable (empty, malformed body...), or None if it is fine.
        retries: How many retries the call needed (0 if the first attempt succeeded).
        provider: Which provider produced it (``"openai-compat"``, ``"anthropic"``...).
    """

    text: str
    model: str
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    cache_hit: bool = False
    finish_reason: str | None = None
    problem: str | None = None
    retries: int = 0
    provider: str = ""

    @property
    def ok(self) -> bool:
        """True if the answer has text and no problem was found."""
        return self.problem is None and bool(self.text)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for the cache and replay files)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        usage = data.get("usage") or {}
        return cls(
            text=str(data.get("text", "")),
            model=str(data.get("model", "")),
            usage=Usage(
                int(usage.get("tokens_in", 0)),
                int(usage.get("tokens_out", 0)),
                int(usage.get("cached_in", 0)),
            ),
            latency_s=float(data.get("latency_s", 0.0)),
            cache_hit=bool(data.get("cache_hit", False)),
            finish_reason=data.get("finish_reason"),
            problem=data.get("problem"),
            retries=int(data.get("retries", 0)),
            provider=str(data.get("provider", "")),
        )

    def as_cached(self) -> Completion:
        """This completion as served from a cache: ``cache_hit=True``, zero latency and retries."""
        return replace(self, cache_hit=True, latency_s=0.0, retries=0)


@dataclass(frozen=True)
class SamplingParams:
    """How to sample; part of the cache key.

    Attributes:
        temperature: Sampling temperature; 0 means (as near as the provider allows) greedy.
        max_tokens: Upper bound on answer tokens.
        seed: Provider-side seed where supported (OpenAI-compatible servers), else ignored.
        n: Number of samples to draw.
        stop: Stop sequences: generation ends before the first of them (at most 4, as OpenAI's
            API allows).
    """

    temperature: float = 0.0
    max_tokens: int = DEFAULT_MAX_TOKENS
    seed: int | None = None
    n: int = 1
    stop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError(f"n must be at least 1, got {self.n}")
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {self.max_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if len(self.stop) > 4 or any(not s for s in self.stop):
            raise ValueError(f"stop takes at most 4 non-empty sequences, got {self.stop!r}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; ``stop`` only when set, so older cache keys stay valid."""
        data = asdict(self)
        if self.stop:
            data["stop"] = list(self.stop)
        else:
            del data["stop"]
        return data


@runtime_checkable
class Model(Protocol):
    """What the planner needs from a language model."""

    provider: str
    """Provider name, part of the cache key (e.g. ``"openai-compat"``)."""
    model_id: str
    """Model name as the provider knows it, part of the cache key."""

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """Draw ``params.n`` completions for ``messages``."""
        ...

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        seed: int | None = None,
        stop: Sequence[str] = (),
    ) -> Completion:
        """Draw one completion."""
        ...

    def sample(
        self,
        messages: Sequence[Message],
        n: int,
        *,
        temperature: float = 0.7,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        seed: int | None = None,
        stop: Sequence[str] = (),
    ) -> list[Completion]:
        """Draw ``n`` completions."""
        ...


class ModelBase(ABC):
    """Implements :meth:`complete` and :meth:`sample` on top of :meth:`generate`."""

    provider: str = "unknown"
    model_id: str = ""

    @abstractmethod
    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """Draw ``params.n`` completions for ``messages``.

        Returns:
            Exactly ``params.n`` completions.

        Raises:
            ModelError: the provider could not be reached or refused, after retries.
        """

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        seed: int | None = None,
        stop: Sequence[str] = (),
    ) -> Completion:
        """Draw one completion (see :meth:`generate`)."""
        params = SamplingParams(
            temperature=temperature, max_tokens=max_tokens, seed=seed, stop=tuple(stop)
        )
        return self.generate(messages, params)[0]

    def sample(
        self,
        messages: Sequence[Message],
        n: int,
        *,
        temperature: float = 0.7,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        seed: int | None = None,
        stop: Sequence[str] = (),
    ) -> list[Completion]:
        """Draw ``n`` completions in one request where the provider supports it."""
        params = SamplingParams(
            temperature=temperature, max_tokens=max_tokens, seed=seed, n=n, stop=tuple(stop)
        )
        return self.generate(messages, params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, model={self.model_id!r})"


def empty_problem(text: str | None, finish_reason: str | None) -> str | None:
    """The ``problem`` string for an answer text, or None if the text is usable.

    Args:
        text: The answer text (None when the provider sent no content).
        finish_reason: The provider's finish reason, mentioned in the message.
    """
    if text is None or not text.strip():
        why = f" (finish reason: {finish_reason})" if finish_reason else ""
        return f"the model returned an empty answer{why}"
    return None
