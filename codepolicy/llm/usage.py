"""Per-call usage records and totals.

Wrap the outermost model with :class:`TrackedModel` to see every answer the planner received,
including cache hits.

Example:
    >>> from codepolicy.llm.base import Completion, Usage
    >>> log = UsageLog()
    >>> log.add(Completion("x", "m", usage=Usage(10, 2), latency_s=0.5))
    >>> log.add(Completion("x", "m", usage=Usage(10, 2), cache_hit=True))
    >>> log.totals().tokens_in, log.totals().cache_hits
    (20, 1)
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from codepolicy.llm.base import Completion, Message, Model, ModelBase, SamplingParams


@dataclass(frozen=True)
class UsageRecord:
    """One answer's accounting."""

    model: str
    provider: str
    tokens_in: int
    tokens_out: int
    cached_in: int
    latency_s: float
    cache_hit: bool
    retries: int
    problem: str | None


@dataclass(frozen=True)
class UsageTotals:
    """Sums over records; ``calls`` counts answers (a sample of n counts n). ``cached_in`` over
    ``tokens_in`` is the server's prefix-cache hit rate, where the server reports it."""

    calls: int = 0
    cache_hits: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cached_in: int = 0
    latency_s: float = 0.0
    retries: int = 0
    problems: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return asdict(self)


class UsageLog:
    """Thread-safe accumulator of :class:`UsageRecord`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[UsageRecord] = []

    def add(self, completion: Completion) -> None:
        """Record one completion."""
        record = UsageRecord(
            model=completion.model,
            provider=completion.provider,
            tokens_in=completion.usage.tokens_in,
            tokens_out=completion.usage.tokens_out,
            cached_in=completion.usage.cached_in,
            latency_s=completion.latency_s,
            cache_hit=completion.cache_hit,
            retries=completion.retries,
            problem=completion.problem,
        )
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[UsageRecord]:
        """A copy of the records so far, in order."""
        with self._lock:
            return list(self._records)

    def totals(self) -> UsageTotals:
        """Sums over all records."""
        records = self.records
        return UsageTotals(
            calls=len(records),
            cache_hits=sum(r.cache_hit for r in records),
            tokens_in=sum(r.tokens_in for r in records),
            tokens_out=sum(r.tokens_out for r in records),
            cached_in=sum(r.cached_in for r in records),
            latency_s=sum(r.latency_s for r in records),
            retries=sum(r.retries for r in records),
            problems=sum(r.problem is not None for r in records),
        )

    def by_model(self) -> dict[str, UsageTotals]:
        """Totals per model id."""
        out: dict[str, UsageTotals] = {}
        for record in self.records:
            t = out.get(record.model, UsageTotals())
            out[record.model] = UsageTotals(
                calls=t.calls + 1,
                cache_hits=t.cache_hits + record.cache_hit,
                tokens_in=t.tokens_in + record.tokens_in,
                tokens_out=t.tokens_out + record.tokens_out,
                cached_in=t.cached_in + record.cached_in,
                latency_s=t.latency_s + record.latency_s,
                retries=t.retries + record.retries,
                problems=t.problems + (record.problem is not None),
            )
        return out


class TrackedModel(ModelBase):
    """Wraps a model and adds every completion it returns to a :class:`UsageLog`."""

    def __init__(self, inner: Model, log: UsageLog | None = None) -> None:
        """Args:
        inner: The model to wrap.
        log: Where to record (a new log if None).
        """
        self.inner = inner
        self.log = log if log is not None else UsageLog()
        self.provider = inner.provider
        self.model_id = inner.model_id

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """Delegate and record."""
        completions = self.inner.generate(messages, params)
        for completion in completions:
            self.log.add(completion)
        return completions
