"""Fuzz: mutated scenario files never crash the CLI (exit 0 or 2 with a sentence, no traceback)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from scenario_mutants import mutants
from typer.testing import CliRunner

from codepolicy.cli.main import app

N_MUTANTS = 500
SEED = 20261202


def _invoke(runner: CliRunner, args: list[str]) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    result = runner.invoke(app, args)
    elapsed = time.perf_counter() - t0
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.output, (args, result.output[-2000:])
    return result.exit_code, result.output, elapsed


@pytest.mark.slow
def test_mutated_scenarios_never_crash_the_cli(tmp_path: Path) -> None:
    """``validate`` and ``show`` on every mutant; ``run`` on each valid one and every 10th invalid
    one (those fail in the same loader ``validate`` already exercised)."""
    runner = CliRunner()
    outcomes: Counter[str] = Counter()
    slowest = 0.0
    for name, text in mutants(N_MUTANTS, SEED):
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        code, out, t = _invoke(runner, ["scenarios", "validate", str(path), "--seeds", "1"])
        assert code in (0, 2), (name, code, out)
        assert code == 0 or str(path) in out, "the error names the file"
        slowest = max(slowest, t)
        show, out, t = _invoke(runner, ["scenarios", "show", str(path)])
        assert show in (0, 2), (name, show, out)
        slowest = max(slowest, t)
        run = -1
        if code == 0 or int(name[:3]) % 10 == 0:
            run, out, t = _invoke(runner, ["run", str(path), "--backend", "kinematic"])
            assert run in (0, 1, 2), (name, run, out)  # 1: ran, task not achieved
            slowest = max(slowest, t)
        outcomes[f"validate={code} show={show} run={run}"] += 1
    summary = f"{N_MUTANTS} mutants (validate, show; run where noted); slowest {slowest:.2f} s"
    print(f"\nfuzz: {summary}; {dict(outcomes)}")
    assert sum(outcomes.values()) == N_MUTANTS
    assert any(k.startswith("validate=0") for k in outcomes), "some mutants stay valid"
    assert any(k.startswith("validate=2") for k in outcomes)
