"""Paired comparison: counts, McNemar p, bootstrap CI and the plain sentence."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from codepolicy.bench.compare import compare_runs, compare_variants, format_p, sentence
from codepolicy.bench.record import EpisodeRecord

Make = Callable[..., EpisodeRecord]


def _run(
    make: Make, variant: str, outcomes: list[bool], scenario: str = "s-a"
) -> list[EpisodeRecord]:
    return [make(scenario, seed, variant, success=ok) for seed, ok in enumerate(outcomes)]


def _paired(wins: int, losses: int, both: int, neither: int) -> tuple[list[bool], list[bool]]:
    a = [True] * wins + [False] * losses + [True] * both + [False] * neither
    b = [False] * wins + [True] * losses + [True] * both + [False] * neither
    return a, b


def test_significant_comparison_sentence(make_record: Make) -> None:
    a, b = _paired(wins=10, losses=2, both=40, neither=48)
    records = _run(make_record, "few-shot", a) + _run(make_record, "zero-shot", b)
    (c,) = compare_variants(records)
    assert (c.a, c.b, c.n_pairs, c.wins, c.losses, c.ties) == (
        "few-shot",
        "zero-shot",
        100,
        10,
        2,
        88,
    )
    assert c.rate_a == 0.5 and c.rate_b == 0.42
    assert c.p_value == pytest.approx(0.0385742, abs=1e-6)
    assert c.significant
    assert c.diff == pytest.approx(0.08) and c.ci_low <= 0.08 <= c.ci_high and c.ci_low > 0
    assert c.sentence == (
        "few-shot beats zero-shot by 8 points (50% vs 42%), p = 0.039, 100 paired episodes"
    )


def test_winner_is_named_first_when_b_is_better(make_record: Make) -> None:
    a, b = _paired(wins=2, losses=10, both=40, neither=48)
    records = _run(make_record, "few-shot", a) + _run(make_record, "zero-shot", b)
    (c,) = compare_variants(records)
    assert c.sentence.startswith("zero-shot beats few-shot by 8 points (50% vs 42%)")


def test_non_significant_comparison_sentence(make_record: Make) -> None:
    a, b = _paired(wins=5, losses=5, both=40, neither=50)
    records = _run(make_record, "few-shot", a) + _run(make_record, "zero-shot", b)
    (c,) = compare_variants(records)
    assert c.p_value == 1.0 and not c.significant
    assert c.sentence == (
        "no significant difference between few-shot and zero-shot "
        "(45% vs 45%, p = 1, 100 paired episodes)"
    )


def test_only_paired_episodes_count(make_record: Make) -> None:
    records = _run(make_record, "a", [True, True, False]) + _run(make_record, "b", [False, True])
    (c,) = compare_variants(records)
    assert c.n_pairs == 2 and c.unpaired_a == 1 and c.unpaired_b == 0
    assert (c.wins, c.losses, c.ties) == (1, 0, 1)


def test_three_variants_give_three_pairs(make_record: Make) -> None:
    records = [r for v in ("a", "b", "c") for r in _run(make_record, v, [True, False])]
    assert [(c.a, c.b) for c in compare_variants(records)] == [("a", "b"), ("a", "c"), ("b", "c")]


def test_compare_runs_labels(make_record: Make) -> None:
    one = _run(make_record, "default", [True, False, True])
    two = _run(make_record, "default", [False, False, True])
    (c,) = compare_runs(one, two, "run1", "run2")
    assert (c.a, c.b, c.wins) == ("run1", "run2", 1)
    other = _run(make_record, "few-shot", [True, True, True])
    (c,) = compare_runs(one, other, "run1", "run3")
    assert (c.a, c.b) == ("default", "few-shot")
    multi = one + _run(make_record, "x", [True])
    multi2 = two + _run(make_record, "y", [True])
    (c,) = compare_runs(multi, multi2, "r1", "r2")
    assert (c.a, c.b, c.n_pairs) == ("r1/default", "r2/default", 3)
    with pytest.raises(ValueError, match="share no variant"):
        compare_runs(
            multi, _run(make_record, "p", [True]) + _run(make_record, "q", [True]), "r1", "r2"
        )


def test_format_p_and_empty_sentence() -> None:
    assert format_p(0.0004) == "p < 0.001"
    assert format_p(0.003) == "p = 0.003"
    assert format_p(0.41) == "p = 0.41"
    assert format_p(0.0496) == "p = 0.0496"  # not shown as 0.05 when it is below alpha
    assert "share no paired episodes" in sentence("a", "b", 0, 0, 1.0, 0)
    assert sentence("few-shot", "zero-shot", 0.64, 0.52, 0.003, 200) == (
        "few-shot beats zero-shot by 12 points (64% vs 52%), p = 0.003, 200 paired episodes"
    )
    assert sentence("few-shot", "zero-shot", 0.58, 0.55, 0.41, 200) == (
        "no significant difference between few-shot and zero-shot "
        "(58% vs 55%, p = 0.41, 200 paired episodes)"
    )
