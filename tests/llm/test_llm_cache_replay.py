"""Cache, record/replay, usage and the factory, against the local scripted server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from codepolicy.llm import PROVIDERS, make_model
from codepolicy.llm.base import Completion, Message, SamplingParams, Usage
from codepolicy.llm.cache import CachedModel, DiskCache, request_key
from codepolicy.llm.openai_compat import OpenAICompatModel
from codepolicy.llm.replay import RecordingModel, ReplayModel
from codepolicy.llm.retry import ModelError, RetryPolicy
from codepolicy.llm.usage import UsageLog
from codepolicy.testing.scripted_server import Fault, ScriptedServer

MESSAGES = [Message("system", "You write robot programs."), Message("user", "stack the blocks")]
NO_SLEEP = RetryPolicy(max_retries=2, sleep=lambda s: None, seed=0)


def model_for(server: ScriptedServer) -> OpenAICompatModel:
    return OpenAICompatModel("scripted", base_url=server.base_url, retry=NO_SLEEP)


def test_request_key_is_canonical() -> None:
    params = SamplingParams()
    key = request_key("p", "m", MESSAGES, params)
    assert key == request_key("p", "m", list(MESSAGES), SamplingParams())
    assert key != request_key("p", "m", MESSAGES, SamplingParams(temperature=0.1))
    assert key != request_key("p", "m", MESSAGES, SamplingParams(seed=1))
    assert key != request_key("p", "other", MESSAGES, params)
    assert key != request_key("p", "m", [*MESSAGES, Message("user", "again")], params)


def test_cache_answers_repeat_without_http(tmp_path: Path) -> None:
    with ScriptedServer(["grasp('red block')"], cycle=True) as server:
        model = CachedModel(model_for(server), DiskCache(tmp_path))
        first = model.complete(MESSAGES)
        second = model.complete(MESSAGES)
        assert len(server.chat_requests()) == 1  # the repeat made zero HTTP calls
    assert not first.cache_hit and second.cache_hit
    assert second.text == first.text and second.latency_s == 0.0
    assert second.usage == first.usage
    files = list(tmp_path.rglob("*"))
    assert [f.suffix for f in files if f.is_file()] == [".json"]  # no temp files left over
    entry = json.loads(next(f for f in files if f.is_file()).read_text())
    assert entry["request"]["messages"][1]["content"] == "stack the blocks"


def test_sampling_is_not_cached_by_default(tmp_path: Path) -> None:
    with ScriptedServer(["a()", "b()", "c()", "d()"]) as server:
        model = CachedModel(model_for(server), DiskCache(tmp_path))
        texts = [model.complete(MESSAGES, temperature=0.7).text for _ in range(2)]
        assert len(server.chat_requests()) == 2
        opted_in = CachedModel(model_for(server), DiskCache(tmp_path), cache_sampling=True)
        opted_in.complete(MESSAGES, temperature=0.7)
        again = opted_in.complete(MESSAGES, temperature=0.7)
        assert len(server.chat_requests()) == 3
    assert texts == ["a()", "b()"] and again.cache_hit and again.text == "c()"


def test_problem_answers_are_not_cached(tmp_path: Path) -> None:
    with ScriptedServer([Fault.empty(), "ok()"]) as server:
        model = CachedModel(model_for(server), DiskCache(tmp_path))
        assert not model.complete(MESSAGES).ok
        assert model.complete(MESSAGES).text == "ok()"
        assert len(server.chat_requests()) == 2
    assert len(DiskCache(tmp_path)) == 1


def test_record_then_replay_without_server(tmp_path: Path) -> None:
    record = tmp_path / "runs" / "answers.jsonl"
    with ScriptedServer(["first()", "x = 1", "y = 2"]) as server:
        recorder = RecordingModel(model_for(server), record)
        live = recorder.complete(MESSAGES)
        samples = recorder.sample(MESSAGES, 2, temperature=0.9, seed=3)
    assert len(record.read_text().splitlines()) == 2
    replay = ReplayModel(record)
    assert replay.model_id == "scripted" and len(replay) == 2
    again = replay.complete(MESSAGES)
    assert again.text == live.text and again.cache_hit and again.usage == live.usage
    assert [c.text for c in replay.sample(MESSAGES, 2, temperature=0.9, seed=3)] == [
        c.text for c in samples
    ]
    with pytest.raises(ModelError) as info:
        replay.complete([Message("user", "an unrecorded request")])
    message = str(info.value)
    assert info.value.kind == "not_recorded"
    assert str(record) in message and "an unrecorded request" in message
    expected_key = request_key(
        "openai-compat", "scripted", [Message("user", "an unrecorded request")], SamplingParams()
    )
    assert expected_key in message


def test_replay_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read replay file"):
        ReplayModel(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"key": "k"}\n')
    with pytest.raises(ModelError, match=r"bad.jsonl:1: not a replay record"):
        ReplayModel(bad)


def test_make_model_stack_with_usage(tmp_path: Path) -> None:
    record = tmp_path / "rec.jsonl"
    with ScriptedServer(["move_to([0, -0.5, 0.2])"]) as server:
        model = make_model(
            "vllm",
            "scripted",
            server.base_url,
            cache_dir=tmp_path / "cache",
            record_file=record,
            retry=NO_SLEEP,
        )
        first = model.complete(MESSAGES)
        second = model.complete(MESSAGES)
        assert len(server.chat_requests()) == 1
    assert first.text == second.text and second.cache_hit
    totals = model.log.totals()
    assert totals.calls == 2 and totals.cache_hits == 1
    assert totals.tokens_in == 2 * first.usage.tokens_in > 0
    # The recorder sits outside the cache, so the file replays every request of the run.
    replayed = make_model("replay", "", None, replay_file=record)
    assert replayed.complete(MESSAGES).text == first.text


def test_make_model_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="unknown provider 'gemini'") as info:
        make_model("gemini", "x", None)
    assert "anthropic" in str(info.value) and info.value.kind == "config"
    with pytest.raises(ModelError, match="replay file"):
        make_model("replay", "x", None)
    monkeypatch.setitem(sys.modules, "anthropic", None)  # simulate the extra not installed
    with pytest.raises(ModelError, match=r"pip install 'codepolicy\[anthropic\]'"):
        make_model("anthropic", "claude-sonnet-4-5", None, cache=False)
    assert PROVIDERS["ollama"] == "openai-compat"


def test_usage_log_totals_by_model() -> None:
    log = UsageLog()
    log.add(Completion("a", "m1", usage=Usage(10, 5), latency_s=1.0, retries=2))
    log.add(Completion("", "m1", usage=Usage(10, 0), problem="empty"))
    log.add(Completion("b", "m2", usage=Usage(3, 1), cache_hit=True))
    totals = log.totals()
    assert (totals.calls, totals.tokens_in, totals.tokens_out) == (3, 23, 6)
    assert (totals.cache_hits, totals.retries, totals.problems) == (1, 2, 1)
    assert totals.latency_s == 1.0
    assert log.by_model()["m1"].calls == 2 and log.by_model()["m2"].cache_hits == 1
