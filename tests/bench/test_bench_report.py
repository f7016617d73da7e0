"""report.html: one self-contained, escaped page rebuilt from results.jsonl."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from codepolicy.bench.provenance import make_manifest, write_manifest
from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.bench.report import RebuildError, rebuild
from codepolicy.bench.store import ResultsStore

Make = Callable[..., EpisodeRecord]
EVIL = 'print("</pre><script>alert(1)</script>")\n# </details> & "quotes" \'single\''


@pytest.fixture
def run_dir(tmp_path: Path, make_record: Make) -> Path:
    directory = tmp_path / "run-a"
    store = ResultsStore(directory)
    for variant, outcomes in (("few-shot", [1, 1, 1, 0]), ("zero-shot", [1, 0, 0, 0])):
        for seed, ok in enumerate(outcomes):
            rounds = [
                Round(
                    index=0,
                    program=EVIL,
                    status="error",
                    error="NameError: x </script>",
                    feedback="Status: error\n<b>not bold</b>",
                ),
                Round(
                    index=1,
                    program="pick('red block')",
                    status="success" if ok else "failed",
                    success=bool(ok),
                    reward=float(ok),
                    completion="```python\npick()\n```",
                ),
            ]
            store.append(
                make_record(
                    "stack-blocks-seen",
                    seed,
                    variant,
                    success=bool(ok),
                    rounds=rounds,
                    video="videos/ep.mp4" if seed == 0 else None,
                )
            )
    store.append(make_record("pick-place-seen", 0, "few-shot", status="crashed"))
    write_manifest(
        directory,
        make_manifest(
            models=["gpt-4o-mini"],
            prompts={"system": "hi"},
            settings={"seeds": 4, "note": "<script>"},
        ),
    )
    return directory


def test_report_is_one_self_contained_page(run_dir: Path) -> None:
    summary = rebuild(run_dir)
    assert summary.n_records == 9
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert (run_dir / "summary.json").is_file()
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html and not re.search(r"<script[^>]*\ssrc=", html)
    assert not re.search(r"""(src|href)=["']//""", html)
    assert html.count("data:image/png;base64,") >= 1
    assert html.count("<script>") == 1  # only the page's own inline script


def test_report_escapes_program_text(run_dir: Path) -> None:
    rebuild(run_dir)
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "NameError: x &lt;/script&gt;" in html
    assert '"<script>"' not in html  # manifest settings are escaped too


def test_report_contents(run_dir: Path) -> None:
    rebuild(run_dir)
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "few-shot beats zero-shot" in html or "no significant difference" in html
    assert html.count('<details class="ep"') == 9
    assert '<video controls preload="none" src="videos/ep.mp4">' in html
    assert "Crashed: SimError: pybullet died" in html
    assert "gpt-4o-mini" in html and "sha256" in html
    assert 'id="f-status"' in html  # filters


def test_rebuild_errors_name_the_problem(tmp_path: Path, make_record: Make) -> None:
    with pytest.raises(RebuildError, match="not found"):
        rebuild(tmp_path / "nope")
    with pytest.raises(RebuildError, match=r"results\.jsonl not found"):
        rebuild(tmp_path)
    (tmp_path / "results.jsonl").write_text("")
    with pytest.raises(RebuildError, match="no complete record"):
        rebuild(tmp_path)
    (tmp_path / "results.jsonl").write_text(make_record().to_line() + "\n{broken\n")
    with pytest.raises(RebuildError, match=r"results\.jsonl:2: invalid JSON"):
        rebuild(tmp_path)
