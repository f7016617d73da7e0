"""Summary numbers on a small synthetic run, checked by hand."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from codepolicy.bench.pricing import ModelPrice
from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.bench.summary import print_summary, summarize, write_summary

Make = Callable[..., EpisodeRecord]
PRICES = {"m": ModelPrice(input=1.0, output=2.0)}


def _rounds(n: int, status: str = "success") -> list[Round]:
    return [Round(index=i, program="go()", status=status) for i in range(n)]


@pytest.fixture
def records(make_record: Make) -> list[EpisodeRecord]:
    """10 episodes: 8 successes (one served from cache), 1 executable failure, 1 crash."""
    out = []
    for i in range(8):
        scenario = "stack-blocks-seen" if i < 5 else "pick-place-unseen"
        out.append(
            make_record(
                scenario,
                i,
                "few-shot",
                success=True,
                model="m",
                attribute_split="seen" if i < 5 else "unseen",
                tokens_in=100_000,
                tokens_out=10_000,
                cached_tokens_in=100_000 if i == 7 else 0,
                cached_tokens_out=10_000 if i == 7 else 0,
                llm_calls=1,
                cache_hits=1 if i == 7 else 0,
                llm_latency_s=0.0 if i == 7 else 2.0,
                primitive_calls=4,
                rounds=_rounds(1),
            )
        )
    out.append(
        make_record(
            "pick-place-unseen",
            8,
            "few-shot",
            success=False,
            reward=0.5,
            model="m",
            attribute_split="unseen",
            tokens_in=100_000,
            tokens_out=10_000,
            llm_calls=2,
            llm_latency_s=3.0,
            primitive_calls=10,
            rounds=_rounds(2, "failed"),
        )
    )
    out.append(
        make_record(
            "pick-place-unseen",
            9,
            "few-shot",
            status="crashed",
            model="mystery",
            attribute_split="unseen",
            tokens_in=500,
            llm_calls=1,
            llm_latency_s=1.0,
        )
    )
    return out


def test_overall_numbers(records: list[EpisodeRecord]) -> None:
    g = summarize(records, prices=PRICES).overall
    assert g.n == 10
    assert (g.success.k, g.success.rate) == (8, 0.8)
    assert g.success.low == pytest.approx(0.4902, abs=1e-4)
    assert g.success.high == pytest.approx(0.9433, abs=1e-4)
    # executability is separate: the failure ran fine, the crash did not
    assert (g.executable.k, g.executable.n) == (9, 10)
    assert g.crashed == 1 and g.statuses == {"crashed": 1, "failed": 1, "success": 8}
    assert g.mean_reward == pytest.approx(8.5 / 10)
    assert g.mean_primitive_calls == pytest.approx(42 / 10)
    assert g.mean_rounds == pytest.approx(10 / 10)
    assert g.mean_replans == pytest.approx(1 / 10)
    assert (g.llm_calls, g.cache_hits) == (11, 1)
    assert (g.tokens_in, g.tokens_out) == (900_500, 90_000)
    assert g.mean_llm_latency_s == pytest.approx(18 / 10)  # 10 calls were not cache hits
    # 8 billed episodes of "m": 800k in at $1/M + 80k out at $2/M; the crash's model has no price
    assert g.cost_usd == pytest.approx(0.96)
    assert g.unpriced_models == ["mystery"]


def test_groups_keep_crashes_in_the_denominator(records: list[EpisodeRecord]) -> None:
    s = summarize(records, prices=PRICES)
    assert set(s.by_family) == {"stack-blocks", "pick-place"}
    stack, pick = s.by_family["stack-blocks"], s.by_family["pick-place"]
    assert (stack.success.k, stack.n) == (5, 5)
    assert (pick.success.k, pick.n) == (3, 5)  # crash counted as a failure
    assert pick.success.low == pytest.approx(0.2307, abs=1e-4)
    assert pick.success.high == pytest.approx(0.8824, abs=1e-4)
    assert (stack.success.low, stack.success.high) == (pytest.approx(0.5655, abs=1e-4), 1.0)
    assert set(s.by_split) == {"seen/seen", "seen/unseen"}
    assert s.by_split["seen/unseen"].n == 5
    assert s.by_scenario["pick-place-unseen"].crashed == 1
    assert s.by_family_variant["pick-place"]["few-shot"].n == 5
    assert s.by_split_variant["seen/unseen"]["few-shot"].success.k == 3
    assert list(s.by_variant) == ["few-shot"] and s.comparisons == []


def test_summary_json_and_printed_table(records: list[EpisodeRecord], tmp_path: Path) -> None:
    s = summarize(records, prices=PRICES, price_source="test prices")
    path = write_summary(tmp_path, s)
    data = json.loads(path.read_text())
    assert data["overall"]["success"]["n"] == 10
    assert data["overall"]["executable"]["rate"] == 0.9
    assert data["price_source"] == "test prices"
    buf = io.StringIO()
    print_summary(s, Console(file=buf, width=200))
    text = buf.getvalue()
    assert "80% [49–94]" in text and "90%" in text and "≥$0.96" in text
    assert "No price is known for mystery: its cost is not counted" in text
    assert "costs are estimates from test prices" in text


def test_default_prices_apply_by_prefix(make_record: Make) -> None:
    rec = make_record(model="gpt-4o-mini-2024-07-18", tokens_in=1_000_000, tokens_out=1_000_000)
    g = summarize([rec]).overall
    assert g.cost_usd == pytest.approx(0.15 + 0.60)
    assert g.unpriced_models == []


def test_runs_without_a_model_leave_the_model_columns_out(make_record: Make) -> None:
    records = [make_record(seed=i, success=True, planner="oracle", model=None) for i in range(3)]
    buf = io.StringIO()
    print_summary(summarize(records, resamples=100), Console(file=buf, width=200))
    text = buf.getvalue()
    assert "tok in/out" not in text and "$0.00" not in text and "cost" not in text
    assert "No model was called (oracle or program-file run)" in text
