"""The report shows how episodes ended, how rewards spread, and the variants of an episode side by side."""

from __future__ import annotations

import re
from collections.abc import Callable

from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.bench.report import render_report
from codepolicy.bench.report_views import failure_modes, reward_histogram, side_by_side
from codepolicy.bench.summary import summarize

Make = Callable[..., EpisodeRecord]


def _run(make_record: Make) -> list[EpisodeRecord]:
    bad = Round(
        index=0,
        program="pick_and_plce('a', 'b')",
        status="rejected",
        error="rejected: line 1: unknown primitive 'pick_and_plce'; did you mean?",
    )
    missed = Round(
        index=0, program="grasp('x')", status="error", error="GraspMissed: grasp of the x missed"
    )
    good = Round(
        index=0, program="pick_and_place('a', 'b')", status="success", success=True, reward=1.0
    )
    return [
        make_record(seed=0, variant="zero-shot", status="rejected", reward=0.2, rounds=[bad]),
        make_record(seed=0, variant="few-shot", success=True, rounds=[good]),
        make_record(seed=1, variant="zero-shot", status="error", reward=0.45, rounds=[missed]),
        make_record(seed=1, variant="few-shot", success=True, rounds=[good]),
        make_record(seed=2, variant="zero-shot", success=True, rounds=[good]),
        make_record(seed=2, variant="few-shot", success=True, rounds=[good]),
    ]


def test_failure_modes_count_statuses_and_error_types_per_variant(make_record: Make) -> None:
    modes = failure_modes(_run(make_record))
    assert modes.variants == ["few-shot", "zero-shot"] and modes.totals == [3, 3]
    assert modes.rows[0] == ("success", [3, 1])
    assert dict(modes.rows)["rejected"] == [0, 1] and dict(modes.rows)["error"] == [0, 1]
    assert dict(modes.errors) == {"rejected: unknown primitive": [0, 1], "GraspMissed": [0, 1]}


def test_reward_histogram_puts_success_in_the_last_bin(make_record: Make) -> None:
    hist = reward_histogram(_run(make_record))
    assert hist["few-shot"][-1] == 3
    assert hist["zero-shot"][2] == 1 and hist["zero-shot"][4] == 1 and hist["zero-shot"][9] == 1


def test_side_by_side_lists_disagreements_first(make_record: Make) -> None:
    variants, rows, hidden = side_by_side(_run(make_record))
    assert variants == ["few-shot", "zero-shot"] and hidden == 0
    assert [(r.seed, r.differ) for r in rows] == [(0, True), (1, True), (2, False)]
    assert rows[0].cells[1].program.startswith("pick_and_plce")
    assert side_by_side(_run(make_record)[:1]) == (["zero-shot"], [], 0)


def test_report_page_has_the_three_views(make_record: Make) -> None:
    records = _run(make_record)
    html = render_report(records, summarize(records, resamples=200), manifest=None, directory=".")
    assert 'id="failure-modes"' in html and "GraspMissed" in html
    assert re.search(r'<img alt="Reward distribution"[^>]*src="data:image/png;base64,', html)
    assert re.search(r'<img alt="Outcomes by variant"', html)
    pairs = html.split('id="pairs"', 1)[1].split("</table>", 1)[0]
    assert pairs.count('data-differ="1"') == 2 and pairs.count('data-differ="0"') == 1
    assert "pick_and_plce(&#39;a&#39;, &#39;b&#39;)" in pairs  # programs are escaped text
