"""A disk cache of model answers, keyed by what determines them.

The key is the sha256 of the canonical JSON of provider, model, messages and sampling parameters
(:func:`request_key`); replay files use the same key. The base URL is deliberately *not* part of
the key, so answers recorded against one server replay against another serving the same model
name; use a separate cache directory if two servers serve different models under one name.

:class:`CachedModel` caches temperature-0 requests by default (sampling at temperature > 0 is
meant to vary, so it is not cached unless ``cache_sampling=True``). Answers with a ``problem``
(empty, malformed) are never cached. Entries are written atomically (temporary file +
:func:`os.replace`), so concurrent runs never see half-written files.

Example:
    >>> from codepolicy.llm.base import Message, SamplingParams
    >>> key = request_key("p", "m", [Message("user", "hi")], SamplingParams())
    >>> len(key)
    64
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codepolicy.llm.base import Completion, Message, Model, ModelBase, SamplingParams

CACHE_ENV = "CODEPOLICY_CACHE_DIR"
"""Environment variable overriding the default cache directory."""


def default_cache_dir() -> Path:
    """``$CODEPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/codepolicy/llm``, else ``~/.cache/...``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codepolicy" / "llm"


def request_payload(
    provider: str, model: str, messages: Sequence[Message], params: SamplingParams
) -> dict[str, Any]:
    """What the cache key is computed from, as a JSON-serialisable dict."""
    return {
        "provider": provider,
        "model": model,
        "messages": [m.to_dict() for m in messages],
        "params": params.to_dict(),
    }


def request_key(
    provider: str, model: str, messages: Sequence[Message], params: SamplingParams
) -> str:
    """sha256 hex digest of the canonical JSON of the request (sorted keys, no spaces)."""
    payload = request_payload(provider, model, messages, params)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DiskCache:
    """Completions stored as one JSON file per key under ``directory/<2 hex>/<key>.json``."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        """Args:
        directory: Where to store entries; defaults to :func:`default_cache_dir`.
        """
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def path(self, key: str) -> Path:
        """The file holding ``key``."""
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[Completion] | None:
        """The cached completions for ``key``, or None (also for unreadable entries)."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            return [Completion.from_dict(c) for c in data["completions"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, request: dict[str, Any], completions: Sequence[Completion]) -> None:
        """Store completions for ``key`` together with the request they answer."""
        record = {
            "key": key,
            "request": request,
            "completions": [c.to_dict() for c in completions],
        }
        atomic_write_text(self.path(key), json.dumps(record, ensure_ascii=False, indent=1))

    def __len__(self) -> int:
        return sum(1 for _ in self.directory.glob("*/*.json")) if self.directory.exists() else 0


class CachedModel(ModelBase):
    """Wraps a model; answers repeated cacheable requests from a :class:`DiskCache`.

    Hits come back with ``cache_hit=True`` and ``latency_s=0``.
    """

    def __init__(
        self, inner: Model, cache: DiskCache | None = None, *, cache_sampling: bool = False
    ) -> None:
        """Args:
        inner: The model to ask on a miss.
        cache: Where entries live (default directory if None).
        cache_sampling: Also cache requests with temperature > 0.
        """
        self.inner = inner
        self.cache = cache if cache is not None else DiskCache()
        self.cache_sampling = cache_sampling
        self.provider = inner.provider
        self.model_id = inner.model_id

    def cacheable(self, params: SamplingParams) -> bool:
        """Whether requests with these parameters are cached."""
        return params.temperature == 0 or self.cache_sampling

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """Serve from the cache if possible, else ask the inner model and store its answers."""
        if not self.cacheable(params):
            return self.inner.generate(messages, params)
        key = request_key(self.provider, self.model_id, messages, params)
        cached = self.cache.get(key)
        if cached is not None and len(cached) == params.n:
            return [c.as_cached() for c in cached]
        completions = self.inner.generate(messages, params)
        if all(c.problem is None for c in completions):
            request = request_payload(self.provider, self.model_id, messages, params)
            self.cache.put(key, request, completions)
        return completions
