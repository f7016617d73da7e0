"""`compare` pairs the variants the user names, compares against the oracle as the upper bound,
and `export` says why an oracle run has nothing to export; piped tables keep their width."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codepolicy.bench.compare import UPPER_BOUND, compare_runs, compare_within, parse_pairs
from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.cli.main import app

Make = Callable[..., EpisodeRecord]
runner = CliRunner()


def _llm(make_record: Make) -> list[EpisodeRecord]:
    out = []
    for seed in range(6):
        for variant in ("zero-shot", "few-shot"):
            ok = seed < (2 if variant == "zero-shot" else 5)
            msgs = [{"role": "user", "content": "do it"}]
            rnd = Round(
                index=0,
                program="x()",
                status="success" if ok else "failed",
                success=ok,
                messages=msgs,
                completion="```python\nx()\n```",
            )
            out.append(make_record(seed=seed, variant=variant, success=ok, rounds=[rnd]))
    return out


def _oracle(make_record: Make) -> list[EpisodeRecord]:
    rnd = Round(index=0, program="x()", status="success", success=True)
    return [
        make_record(
            seed=s, variant="oracle", success=True, planner="oracle", model=None, rounds=[rnd]
        )
        for s in range(6)
    ]


def _write(directory: Path, records: list[EpisodeRecord]) -> Path:
    directory.mkdir()
    with open(directory / "results.jsonl", "w") as f:
        for r in records:
            f.write(r.model_dump_json() + "\n")
    return directory


def test_an_llm_run_is_compared_with_the_oracle_as_upper_bound(make_record: Make) -> None:
    out = compare_runs(_llm(make_record), _oracle(make_record), "qwen", "oracle-run", resamples=200)
    assert [(c.a, c.b) for c in out] == [("zero-shot", UPPER_BOUND), ("few-shot", UPPER_BOUND)]
    assert out[0].n_pairs == 6 and out[0].rate_b == 1.0 and out[0].losses == 4


def test_chosen_pairs_across_runs_and_within_a_run(make_record: Make) -> None:
    llm = _llm(make_record)
    across = compare_runs(
        llm, _oracle(make_record), "a", "b", pairs=[("few-shot", "oracle")], resamples=200
    )
    assert [(c.a, c.b, c.rate_a) for c in across] == [("few-shot", UPPER_BOUND, 5 / 6)]
    within = compare_within(llm, [("few-shot", "zero-shot")], resamples=200)
    assert within[0].wins == 3 and within[0].losses == 0
    with pytest.raises(ValueError, match=r"has no variant 'few'.*zero-shot, few-shot"):
        compare_within(llm, [("few", "zero-shot")])
    with pytest.raises(ValueError, match="expects VARIANT_A=VARIANT_B"):
        parse_pairs(["few-shot"])


def test_runs_sharing_no_variant_suggest_a_pair(make_record: Make) -> None:
    a = [r.model_copy(update={"variant": f"p-{r.variant}"}) for r in _llm(make_record)]
    with pytest.raises(ValueError, match=r"share no variant.*--pair p-zero-shot=zero-shot"):
        compare_runs(a, _llm(make_record), "one", "two")


def test_compare_cli_pipes_a_full_width_table(make_record: Make, tmp_path: Path) -> None:
    llm = _write(tmp_path / "a-run-with-a-long-name", _llm(make_record))
    oracle = _write(tmp_path / "oracle", _oracle(make_record))
    result = runner.invoke(app, ["compare", str(llm), str(oracle)])
    assert result.exit_code == 0, result.output
    assert "oracle (upper bound)" in result.stdout and "…" not in result.stdout
    assert "zero-shot reaches 33% of the oracle's success" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) > 80


def test_export_of_an_oracle_run_says_why_nothing_is_exported(
    make_record: Make, tmp_path: Path
) -> None:
    oracle = _write(tmp_path / "oracle", _oracle(make_record))
    out = tmp_path / "attempts.jsonl"
    result = runner.invoke(app, ["export", str(oracle), "--out", str(out)])
    assert result.exit_code == 2
    assert "none of the run's 6 rounds was written by a model (planner: oracle)" in result.output
    assert not out.exists()
    llm = _write(tmp_path / "llm", _llm(make_record))
    result = runner.invoke(app, ["export", str(llm), "--out", str(out), "--only-success"])
    assert result.exit_code == 0 and "wrote 7 attempts" in result.stdout
    assert "left out: 5 unsuccessful rounds (--only-success)" in result.stdout
    assert len(out.read_text().splitlines()) == 7 and json.loads(out.read_text().splitlines()[0])
