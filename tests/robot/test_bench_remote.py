"""``bench --backend remote`` and its Python API: the episodes run one after another on the one
robot behind a robot server (a separate physics process over loopback); the operator may grade."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from codepolicy.bench.benchmark import BenchmarkSettings, run_benchmark
from codepolicy.errors import ConfigError
from codepolicy.robot.bench_remote import RemoteBench
from codepolicy.robot.log import read_log
from tests.robot.helpers import CLI, Served, env

pytestmark = pytest.mark.timeout(240)


def _bench(
    served: Served, out: Path, *extra: str, answers: str = ""
) -> subprocess.CompletedProcess[str]:
    cmd = [*CLI, "bench", "--suite", "pick-place-seen", "--seeds", "2", "--backend", "remote",
           "--robot", served.address, "--key-file", str(served.key_file), "--out", str(out),
           *extra]  # fmt: skip
    return subprocess.run(
        cmd, input=answers, capture_output=True, text=True, timeout=200, env=env()
    )


def _records(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def _sessions(served: Served) -> set[str]:
    return {str(r["session"]) for r in read_log(served.log) if r.get("op") == "move_tcp"}


def test_bench_runs_every_episode_on_the_robot(server: Served, tmp_path: Path) -> None:
    before = _sessions(server)
    done = _bench(server, tmp_path / "run")
    assert done.returncode == 0, done.stderr[-3000:]
    records = _records(tmp_path / "run")
    assert [(r["seed"], r["backend"], r["status"]) for r in records] == [
        (0, "remote", "success"),
        (1, "remote", "success"),
    ]
    assert all(r["graded_by"] is None for r in records)
    assert len(_sessions(server) - before) == 1  # one controlling session, episodes in turn
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["settings"]["remote"]["address"] == server.address


def test_operator_grades_each_episode(server: Served, tmp_path: Path) -> None:
    done = _bench(
        server, tmp_path / "run", "--grade", "operator", answers="y\nin the bowl\nn\nit fell out\n"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.count("Was the task achieved? [y/n]") == 2
    assert "Episode pick-place-seen seed 0: " in done.stderr
    records = _records(tmp_path / "run")
    assert [(r["graded_by"], r["operator_note"], r["success"]) for r in records] == [
        ("operator", "in the bowl", True),
        ("operator", "it fell out", False),
    ]
    assert records[1]["explanation"] == "graded by operator: not achieved: it fell out"
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["graded_by_operator"] == 2 and summary["overall"]["success"]["k"] == 1
    assert "graded by operator: 2 of 2 episodes" in done.stdout


def test_no_operator_answer_is_judged_automatically_and_says_so(
    server: Served, tmp_path: Path
) -> None:
    done = _bench(server, tmp_path / "run", "--grade", "operator", "--seeds", "1", answers="")
    assert done.returncode == 0, done.stderr[-3000:]
    (record,) = _records(tmp_path / "run")
    assert record["graded_by"] is None and record["success"] is True
    assert str(record["explanation"]).endswith("no operator answer: judged automatically")


def test_python_api_runs_on_the_robot_through_the_twin_gate(server: Served, tmp_path: Path) -> None:
    remote = RemoteBench(server.address, str(server.key_file), gate="twin")
    summary = run_benchmark(
        BenchmarkSettings(
            suites=["pick-place-seen"], seeds=[3], backend="remote", remote=remote, out=tmp_path
        )
    )
    assert summary.overall.n == 1 and summary.overall.success.k == 1
    (record,) = _records(tmp_path)
    assert record["backend"] == "remote" and record["status"] == "success"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--workers", "2"), "--backend remote runs the episodes one after another on the one "
         "robot (its server takes one controlling client at a time); drop --workers 2"),
        (("--video", "all"), "--backend remote records no video"),
        (("--gate", "twin", "--planner", "llm", "--model", "m"), "--gate twin runs a fixed program"),
        (("--grade", "sometimes"), "--grade must be operator or auto, got 'sometimes'"),
    ],
)  # fmt: skip
def test_settings_a_robot_cannot_honour_are_refused(
    server: Served, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    done = _bench(server, tmp_path / "run", *extra)
    assert done.returncode == 2, done.stderr[-2000:]
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "run" / "results.jsonl").exists()


def test_remote_options_need_the_remote_backend_and_a_robot(tmp_path: Path) -> None:
    local = subprocess.run([*CLI, "bench", "--suite", "pick-place-seen", "--robot", "tcp://127.0.0.1:1"],
                           capture_output=True, text=True, timeout=60, env=env())  # fmt: skip
    assert local.returncode == 2 and "need --backend remote" in local.stderr
    bare = subprocess.run([*CLI, "bench", "--suite", "pick-place-seen", "--backend", "remote"],
                          capture_output=True, text=True, timeout=60, env=env())  # fmt: skip
    assert bare.returncode == 2 and "--backend remote needs --robot" in bare.stderr
    with pytest.raises(ConfigError, match="needs --robot tcp://HOST:PORT and --key-file"):
        run_benchmark(BenchmarkSettings(suites=["pick-place-seen"], backend="remote", out=tmp_path))


def test_an_unreachable_robot_is_refused_before_any_episode(tmp_path: Path) -> None:
    key = tmp_path / "robot.key"
    subprocess.run([*CLI, "robot", "keygen", str(key)], check=True, capture_output=True)
    done = subprocess.run(
        [*CLI, "bench", "--suite", "pick-place-seen", "--seeds", "1", "--backend", "remote",
         "--robot", "tcp://127.0.0.1:9", "--key-file", str(key), "--out", str(tmp_path / "run")],
        capture_output=True, text=True, timeout=60, env=env(),
    )  # fmt: skip
    assert done.returncode == 2
    assert "cannot use the robot at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr
