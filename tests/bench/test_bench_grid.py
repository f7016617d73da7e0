"""The grid's axes, cells and statistics, without running episodes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from codepolicy.bench.compare import compare_runs
from codepolicy.bench.grid import (
    apply_cell,
    cell_label,
    check_grid,
    grid_cells,
    parse_grid,
)
from codepolicy.bench.grid_stats import summarize_grid
from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.tasks import BenchSettings
from codepolicy.errors import ConfigError

Make = Callable[..., EpisodeRecord]


def test_parse_keeps_order_and_normalises_aliases() -> None:
    grid = parse_grid(["api=low,default perception=privileged", "turns=03,1"])
    assert grid == {"api": ["low", "primitive"], "perception": ["privileged"], "turns": ["3", "1"]}
    cells = grid_cells(grid)
    assert len(cells) == 4
    assert cell_label(cells[0]) == "api=low,perception=privileged,turns=3"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("colour=red", "unknown axis 'colour'; the axes are: api, perception"),
        ("api=mid", "--grid api: unknown value 'mid'; choose from: macro, primitive (alias"),
        ("perception=xray", "--grid perception: unknown value 'xray'; choose from: privileged"),
        ("feedback=all", "choose from: binary, errors, explain, explain+scene"),
        ("turns=0", "--grid turns: '0' is not a number of model rounds"),
        ("skills=maybe", "--grid skills: unknown value 'maybe'; choose from: off, on"),
        ("api=low,low", "--grid api: the value 'low' is given twice"),
        ("api=primitive,default", "'default' is 'primitive'"),
        ("api=low api=macro", "the axis 'api' is given twice"),
        ("api", "--grid expects AXIS=VALUE"),
        ("api=low,", "--grid api: empty value"),
    ],
)
def test_bad_grids_name_the_axis_and_the_value(spec: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_grid([spec])
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("grid", "kwargs", "message"),
    [
        ({"turns": ["1", "3"]}, {"planner": "oracle"}, "the oracle planner writes no program"),
        ({"skills": ["off", "on"]}, {"planner": "llm"}, "skills=on needs --skill-library FILE"),
        ({"perception": ["camera"]}, {"backend": "kinematic"}, "kinematic backend renders none"),
        ({"api": ["low"]}, {"planner": "llm", "variants": 2}, "give one --prompt"),
    ],
)
def test_grids_that_cannot_run_are_refused(grid: dict, kwargs: dict, message: str) -> None:
    args = {"planner": "oracle", "backend": "physics", "skill_library": None, **kwargs}
    with pytest.raises(ConfigError) as info:
        check_grid(grid, **args)
    assert message in str(info.value)


def test_a_cell_sets_profile_perception_feedback_turns_and_skills() -> None:
    base = BenchSettings(
        planner="llm",
        llm={"model": "m", "feedback": "explain", "replan": "none", "max_rounds": 3},
        skill_library="lib.py",
    )
    cell = (
        ("api", "low"),
        ("perception", "noisy"),
        ("feedback", "binary"),
        ("turns", "4"),
        ("skills", "off"),
    )
    s = apply_cell(base, cell)
    assert (s.profile, s.perception, s.skill_library) == ("low", "noisy", None)
    assert s.llm == {
        "model": "m",
        "feedback": "binary",
        "replan": "refine",
        "max_rounds": 4,
        "profile": "low",
    }
    one = apply_cell(base, (("turns", "1"), ("skills", "on")))
    assert one.llm["replan"] == "none" and one.llm["max_rounds"] == 1
    assert one.skill_library == "lib.py"
    assert apply_cell(base, ()) is base


def _grid_records(make: Make, outcomes: dict[tuple[str, str], list[bool]]) -> list[EpisodeRecord]:
    records = []
    for (api, perception), results in outcomes.items():
        label = f"api={api},perception={perception}"
        for seed, ok in enumerate(results):
            records.append(
                make(
                    "pick-place-seen",
                    seed,
                    label,
                    success=ok,
                    grid={"api": api, "perception": perception},
                    planner="oracle",
                    model=None,
                )
            )
    return records


def test_grid_summary_pairs_cells_that_differ_in_one_axis(make_record: Make) -> None:
    t, f = True, False
    records = _grid_records(
        make_record,
        {
            ("low", "noisy"): [f, t, t, t],
            ("macro", "privileged"): [t, t, t, t],
            ("macro", "noisy"): [t, f, t, t],
            ("low", "privileged"): [t, t, t, f],
        },
    )
    grid = summarize_grid(records, {}, resamples=200)
    assert grid is not None
    assert grid.axes == {"api": ["macro", "low"], "perception": ["privileged", "noisy"]}
    assert [c.label for c in grid.cells] == [
        "api=macro,perception=privileged",
        "api=macro,perception=noisy",
        "api=low,perception=privileged",
        "api=low,perception=noisy",
    ]
    assert [c.stats.success.k for c in grid.cells] == [4, 3, 3, 3]
    heat = grid.heatmap
    assert heat is not None and (heat.rows_axis, heat.cols_axis) == ("api", "perception")
    assert [[p.k if p else None for p in line] for line in heat.success] == [[4, 3], [3, 3]]
    by_axis = {c.axis: c.comparison for c in grid.comparisons}
    api = by_axis["api"]  # macro vs low, paired over both perception values: 8 pairs
    assert (api.n_pairs, api.wins, api.losses) == (8, 2, 1)
    assert api.sentence == (
        "api=low loses 2 of 8 paired episodes that api=macro solves and solves 1 that "
        "api=macro fails (75% vs 88%), p = 1"
    )
    perception = by_axis["perception"]
    assert (perception.n_pairs, perception.wins, perception.losses) == (8, 2, 1)


def test_a_model_grid_is_bounded_by_the_oracle_cell_with_its_values(make_record: Make) -> None:
    t, f = True, False
    oracle = _grid_records(
        make_record, {("macro", "privileged"): [t, t, t, t], ("low", "privileged"): [t, t, f, f]}
    )
    model = [
        make_record("pick-place-seen", s, "api=low", success=ok, grid={"api": "low"})
        for s, ok in enumerate([t, f, f, f])
    ]
    [c] = compare_runs(model, oracle, "model", "oracle", resamples=100)
    assert c.a == "api=low" and c.rate_b == 0.5  # the low tier's oracle, not the macro tier's
    flat = [make_record("pick-place-seen", s, "zero-shot", success=True) for s in range(4)]
    with pytest.raises(ValueError, match="--pair zero-shot=CELL"):
        compare_runs(flat, oracle, "model", "oracle", resamples=100)
