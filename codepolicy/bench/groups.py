"""Aggregates over one group of episodes: :class:`GroupStats` and :func:`group_stats`.

Example:
    >>> group_stats([], {}).success.n
    0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from codepolicy.bench.pricing import ModelPrice, cost_usd
from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.stats import Proportion, proportion


class GroupStats(BaseModel):
    """Aggregates over one group of episodes."""

    n: int
    success: Proportion
    executable: Proportion
    crashed: int
    statuses: dict[str, int]
    mean_reward: float
    mean_primitive_calls: float
    mean_rounds: float = Field(description="Planning attempts per episode.")
    mean_replans: float = Field(description="Attempts after the first, per episode.")
    llm_calls: int
    cache_hits: int
    tokens_in: int
    tokens_out: int
    mean_llm_latency_s: float | None = Field(
        description="Mean wall time per model call that was not a cache hit (None if none)."
    )
    cost_usd: float = Field(description="Estimated cost of priced models (cache hits are free).")
    unpriced_models: list[str] = Field(description="Models with billed tokens but no price.")
    wall_time_s: float
    mean_sim_time_s: float
    env_judged: int = Field(0, description="Episodes with an env's own success signal (adapters).")
    env_disagreements: int = Field(
        0, description="Of those, episodes where our success and the env's is_success differ."
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def group_stats(records: Sequence[EpisodeRecord], prices: Mapping[str, ModelPrice]) -> GroupStats:
    """Aggregate one group of records (see :class:`GroupStats`)."""
    n = len(records)
    statuses: dict[str, int] = {}
    for r in records:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    calls = sum(r.llm_calls for r in records)
    hits = sum(r.cache_hits for r in records)
    cost = 0.0
    unpriced: set[str] = set()
    for r in records:
        c = cost_usd(r.model, r.billed_tokens_in, r.billed_tokens_out, prices)
        if c is None:
            unpriced.add(r.model or "(no model id)")
        else:
            cost += c
    return GroupStats(
        n=n,
        success=proportion(sum(r.success for r in records), n),
        executable=proportion(sum(r.executable for r in records), n),
        crashed=statuses.get("crashed", 0),
        statuses=dict(sorted(statuses.items())),
        mean_reward=_mean([r.reward for r in records]),
        mean_primitive_calls=_mean([r.primitive_calls for r in records]),
        mean_rounds=_mean([len(r.rounds) for r in records]),
        mean_replans=_mean([r.replans for r in records]),
        llm_calls=calls,
        cache_hits=hits,
        tokens_in=sum(r.tokens_in for r in records),
        tokens_out=sum(r.tokens_out for r in records),
        mean_llm_latency_s=(
            sum(r.llm_latency_s for r in records) / (calls - hits) if calls > hits else None
        ),
        cost_usd=cost,
        unpriced_models=sorted(unpriced),
        wall_time_s=sum(r.wall_time for r in records),
        mean_sim_time_s=_mean([r.sim_time for r in records]),
        env_judged=sum(r.env_success is not None for r in records),
        env_disagreements=sum(
            r.env_success is not None and r.env_success != r.success for r in records
        ),
    )
