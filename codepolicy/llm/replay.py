"""Record model answers to a JSONL file and answer from such a file later.

Each line is one request and its answers::

    {"key": "<sha256>", "request": {"provider", "model", "messages", "params"},
     "completions": [{...Completion...}]}

The key is :func:`codepolicy.llm.cache.request_key`, so a replay needs no live server and gives
exactly the recorded answers for exactly the recorded requests, at any temperature. A request that
was not recorded raises :class:`~codepolicy.llm.retry.ModelError` (kind ``"not_recorded"``)
naming the file and the key.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from codepolicy.llm.base import Completion, Message, Model, ModelBase, SamplingParams
from codepolicy.llm.cache import request_key, request_payload
from codepolicy.llm.retry import ModelError


class RecordingModel(ModelBase):
    """Wraps a model and appends every request and its answers to a JSONL file."""

    def __init__(self, inner: Model, path: str | os.PathLike[str]) -> None:
        """Args:
        inner: The model to ask.
        path: The JSONL file to append to (created with its directory if missing).
        """
        self.inner = inner
        self.path = Path(path)
        self.provider = inner.provider
        self.model_id = inner.model_id
        self._lock = threading.Lock()

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """Ask the inner model and record the exchange (answers with problems included)."""
        completions = self.inner.generate(messages, params)
        record = {
            "key": request_key(self.provider, self.model_id, messages, params),
            "request": request_payload(self.provider, self.model_id, messages, params),
            "completions": [c.to_dict() for c in completions],
        }
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
        return completions


class ReplayModel(ModelBase):
    """Answers from a recorded JSONL file; never contacts a model.

    The provider and model id default to those of the recordings (when the file holds exactly
    one pair); pass ``model`` to choose among several.
    """

    provider = "replay"

    def __init__(self, path: str | os.PathLike[str], model: str | None = None) -> None:
        """Args:
        path: The JSONL file written by :class:`RecordingModel`.
        model: Which recorded model to replay, if the file holds several.

        Raises:
            ModelError: the file is missing or malformed (kind ``"config"``).
        """
        self.path = Path(path)
        self._answers: dict[str, list[Completion]] = {}
        pairs: set[tuple[str, str]] = set()
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ModelError(f"cannot read replay file {self.path}: {exc}", kind="config") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                request = record["request"]
                key = str(record["key"])
                answers = [Completion.from_dict(c) for c in record["completions"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise ModelError(
                    f"{self.path}:{number}: not a replay record ({exc})", kind="config"
                ) from exc
            if model is None or request.get("model") == model:
                pairs.add((str(request.get("provider", "")), str(request.get("model", ""))))
                self._answers[key] = answers
        self._pairs = sorted(pairs)
        self.model_id = model or (self._pairs[0][1] if len(self._pairs) == 1 else "replay")

    def __len__(self) -> int:
        return len(self._answers)

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """The recorded answers, marked ``cache_hit=True`` with zero latency.

        Raises:
            ModelError: kind ``"not_recorded"`` if this request is not in the file.
        """
        keys = [request_key(p, m, messages, params) for p, m in self._pairs]
        for key in keys:
            if key in self._answers:
                return [c.as_cached() for c in self._answers[key]]
        last_user = next((m.content for m in reversed(messages) if m.role == "user"), "")
        preview = " ".join(last_user.split())[:80]
        raise ModelError(
            f"request not recorded in replay file {self.path}: key "
            f"{keys[0] if keys else '(file holds no recordings)'} "
            f"(models {[m for _, m in self._pairs]}, temperature {params.temperature}, "
            f"max_tokens {params.max_tokens}, seed {params.seed}, n {params.n}; "
            f"last user message: {preview!r}); {len(self._answers)} requests are recorded",
            kind="not_recorded",
        )
