"""results.jsonl: append, resume keys, dedupe, torn-line repair, kill -9, concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.store import (
    ResultsFileError,
    ResultsStore,
    done_keys,
    load_results,
    read_records,
    repair,
    results_path,
)

WORKER = Path(__file__).with_name("append_worker.py")
Make = Callable[..., EpisodeRecord]


def test_append_and_read_back(tmp_path: Path, make_record: Make) -> None:
    store = ResultsStore(tmp_path / "run")
    records = [make_record(seed=i, success=i % 2 == 0) for i in range(3)]
    assert all(store.append(r) for r in records)
    assert read_records(tmp_path / "run") == records
    text = results_path(tmp_path / "run").read_text()
    assert text.count("\n") == 3 and text.endswith("\n")
    assert store.done_keys() == {r.key for r in records}


def test_done_keys_of_a_fresh_directory_is_empty(tmp_path: Path) -> None:
    assert done_keys(tmp_path) == set()
    assert done_keys(tmp_path / "missing") == set()


def test_append_refuses_a_key_already_written_even_by_another_store(
    tmp_path: Path, make_record: Make
) -> None:
    first, second = ResultsStore(tmp_path), ResultsStore(tmp_path)
    assert first.append(make_record(seed=1))
    assert not second.append(make_record(seed=1, success=True))
    assert not first.append(make_record(seed=1))
    assert len(read_records(tmp_path)) == 1
    assert read_records(tmp_path)[0].success is False


def test_read_keeps_first_record_of_a_duplicate_key_and_says_so(
    tmp_path: Path, make_record: Make
) -> None:
    a, b = make_record(seed=1), make_record(seed=1, success=True)
    results_path(tmp_path).write_text(a.to_line() + "\n" + b.to_line() + "\n")
    loaded = load_results(tmp_path)
    assert loaded.records == [a]
    assert loaded.duplicates == [(2, a.key)]
    assert "duplicate key" in loaded.warnings[0]


def test_torn_last_line_is_ignored_on_read_and_truncated_before_append(
    tmp_path: Path, make_record: Make
) -> None:
    good = make_record(seed=0)
    torn = make_record(seed=1).to_line()[:57]
    path = results_path(tmp_path)
    path.write_text(good.to_line() + "\n" + torn)
    loaded = load_results(tmp_path)
    assert loaded.records == [good] and loaded.torn_tail
    assert done_keys(tmp_path) == {good.key}
    assert ResultsStore(tmp_path).append(make_record(seed=1))
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)
    assert not load_results(tmp_path).torn_tail


def test_repair_of_a_file_that_is_only_a_torn_line(tmp_path: Path) -> None:
    results_path(tmp_path).write_bytes(b'{"key": "s|0|v", "sce')
    assert repair(tmp_path) == 21
    assert results_path(tmp_path).read_bytes() == b""
    assert repair(tmp_path) == 0
    assert repair(tmp_path / "missing") == 0


def test_invalid_complete_line_names_file_and_line(tmp_path: Path, make_record: Make) -> None:
    path = results_path(tmp_path)
    path.write_text(make_record().to_line() + "\nnot json\n")
    with pytest.raises(ResultsFileError) as info:
        load_results(tmp_path)
    assert info.value.line == 2 and str(path) in str(info.value)
    assert "invalid JSON" in str(info.value)
    lenient = load_results(tmp_path, strict=False)
    assert len(lenient.records) == 1 and lenient.skipped[0][0] == 2


def test_a_record_missing_fields_is_invalid(tmp_path: Path, make_record: Make) -> None:
    data = json.loads(make_record().to_line())
    del data["success"]
    results_path(tmp_path).write_text(json.dumps(data) + "\n")
    with pytest.raises(ResultsFileError, match=r":1: invalid record: success"):
        load_results(tmp_path)


def test_record_validation_rules(make_record: Make) -> None:
    crashed = make_record(status="crashed")
    assert crashed.crash is not None and not crashed.success and not crashed.executable
    with pytest.raises(ValueError, match="needs crash"):
        make_record(status="crashed", crash=None)
    with pytest.raises(ValueError, match="not 'crashed'"):
        make_record(crash={"type": "X", "message": "y"})
    with pytest.raises(ValueError):
        make_record(status="exploded")
    with pytest.raises(ValueError):
        make_record(unknown_field=1)


def test_statuses_cover_every_feedback_status() -> None:
    from codepolicy.bench.record import RECORD_STATUSES
    from codepolicy.feedback.model import FeedbackStatus

    assert set(RECORD_STATUSES) == {s.value for s in FeedbackStatus} | {"crashed"}


def _run_worker(directory: Path, count: int, pad: int, prefix: str = "s") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(directory), str(count), str(pad), prefix],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_kill_9_mid_run_loses_no_acknowledged_episode(tmp_path: Path) -> None:
    # Large lines (~200 kB) make it likely the kill lands inside a write.
    proc = _run_worker(tmp_path, 10_000, 200_000)
    assert proc.stdout is not None
    acked = []
    for line in proc.stdout:
        acked.append(line.split()[1])
        if len(acked) == 25:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    acked += [line.split()[1] for line in proc.stdout]  # acks flushed before the kill
    raw = results_path(tmp_path).read_bytes()
    complete = raw[: raw.rfind(b"\n") + 1]
    for line in complete.splitlines():
        json.loads(line)  # every complete line parses
    keys = [r.key for r in read_records(tmp_path)]
    assert set(acked) <= set(keys)
    assert len(acked) <= len(keys) <= len(acked) + 1  # at most one written but unacknowledged
    # Resuming after the crash: a new writer repairs the tail and appends whole lines.
    proc2 = _run_worker(tmp_path, len(keys) + 3, 100)
    out, _ = proc2.communicate(timeout=30)
    assert proc2.returncode == 0 and out.count("ack") == 3
    assert results_path(tmp_path).read_bytes().endswith(b"\n")
    assert len(read_records(tmp_path)) == len(keys) + 3
    assert not load_results(tmp_path).torn_tail


def test_concurrent_writers_never_interleave_or_duplicate(tmp_path: Path) -> None:
    procs = [_run_worker(tmp_path, 40, 20_000, prefix=f"w{i}") for i in range(4)]
    # Two workers write the same episodes: only one copy of each may land.
    procs.append(_run_worker(tmp_path, 40, 20_000, prefix="w0"))
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    lines = results_path(tmp_path).read_bytes().splitlines()
    assert len(lines) == 160
    for line in lines:
        json.loads(line)
    assert len({r.key for r in read_records(tmp_path)}) == 160
    assert sum(o.count("ack") for o in outputs) == 160
