"""Model I/O against servers like llama.cpp's and Ollama's: one choice per request, streaming,
stop sequences, refused connections, and the in-process llama-cpp provider (with a stand-in)."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from typing import Any

import pytest

from codepolicy.llm import make_model
from codepolicy.llm.base import Message
from codepolicy.llm.cache import CachedModel, DiskCache
from codepolicy.llm.llama_cpp_provider import LlamaCppModel
from codepolicy.llm.openai_compat import OpenAICompatModel
from codepolicy.llm.progress import line_progress
from codepolicy.llm.retry import ModelError, RetryPolicy
from codepolicy.llm.usage import TrackedModel
from codepolicy.planning.writer import CODE_BLOCK_STOP
from tests.llm.one_choice_server import OneChoiceServer

MESSAGES = [Message("user", "stack the blocks")]


def seed_echo(body: dict[str, Any]) -> str:
    return f"say('seed {body.get('seed')}')"


def model_for(server: OneChoiceServer, **kwargs: Any) -> OpenAICompatModel:
    policy = RetryPolicy(max_retries=2, sleep=lambda s: None, seed=0)
    return OpenAICompatModel("one", base_url=server.base_url, retry=policy, **kwargs)


def test_best_of_n_with_a_server_that_ignores_n_makes_separate_requests_with_distinct_seeds() -> (
    None
):
    with OneChoiceServer(seed_echo) as server:
        model = model_for(server)
        first = model.sample(MESSAGES, 4, temperature=0.8, seed=10)
        assert [c.text for c in first] == [f"say('seed {s}')" for s in (10, 11, 12, 13)]
        assert all(c.ok for c in first) and model.ignores_n
        assert server.bodies[0]["n"] == 4 and all("n" not in b for b in server.bodies[1:])
        # Once known, no request asks for n again: exactly n one-choice requests.
        second = model.sample(MESSAGES, 3, temperature=0.8, seed=0)
        assert len(server.bodies) == 4 + 3 and all("n" not in b for b in server.bodies[4:])
        assert len({c.text for c in second}) == 3


def test_a_candidate_that_cannot_be_obtained_is_marked_not_invented() -> None:
    calls = {"n": 0}

    def flaky(body: dict[str, Any]) -> str:
        calls["n"] += 1
        return "say('one')" if calls["n"] == 1 else ""

    with OneChoiceServer(flaky) as server:
        got = model_for(server).sample(MESSAGES, 3, temperature=0.8)
    assert len(got) == 3 and sum(c.ok for c in got) == 1
    assert all(c.problem for c in got[1:])


def test_stop_sequences_and_max_tokens_reach_the_server() -> None:
    with OneChoiceServer(seed_echo) as server:
        model_for(server).complete(MESSAGES, max_tokens=77, stop=CODE_BLOCK_STOP)
    assert server.bodies[0]["max_tokens"] == 77
    assert server.bodies[0]["stop"] == list(CODE_BLOCK_STOP)


def test_streamed_answer_reports_progress_and_is_cut_after_the_first_code_block() -> None:
    rambling = "```python\nsay('done')\n```\nThis program works because " + "it is good " * 50

    seen: list[int] = []
    with OneChoiceServer(lambda body: rambling) as server:
        model = model_for(server, progress=lambda tokens, elapsed: seen.append(tokens))
        completion = model.complete(MESSAGES, stop=CODE_BLOCK_STOP)
        assert server.bodies[0]["stream"] is True
    assert completion.text == "```python\nsay('done')"
    assert completion.finish_reason == "stop" and completion.ok
    assert seen and seen == sorted(seen) and seen[-1] == completion.usage.tokens_out


def test_streamed_answer_takes_usage_from_the_server_when_it_sends_it() -> None:
    with OneChoiceServer(lambda body: "say('a b c')") as server:
        completion = model_for(server, stream=True).complete(MESSAGES)
    assert completion.text == "say('a b c')"
    assert completion.usage.tokens_in == 7 and completion.usage.tokens_out == 3


def test_progress_lines_are_plain_and_rate_limited() -> None:
    out = io.StringIO()
    show = line_progress(stream=out, every_s=3600)
    show(5, 1.0)
    assert out.getvalue() == ""  # a fast answer prints nothing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_refused_connection_names_the_url_and_cause_after_a_few_seconds_of_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    sleeps: list[float] = []
    model = OpenAICompatModel("m", base_url=url, retry=RetryPolicy(sleep=sleeps.append, seed=0))
    with pytest.raises(ModelError) as info:
        model.complete(MESSAGES)
    assert info.value.kind == "connection"
    assert f"nothing is listening on {url} — is the server running?" in str(info.value)
    assert len(sleeps) == 3 and sum(sleeps) < 5.0


def test_make_model_passes_timeout_and_progress(tmp_path: Path) -> None:
    model = make_model(
        "openai", "m", "http://127.0.0.1:9/v1", timeout=12.5, cache=False, progress=print
    )
    inner = model.inner
    assert isinstance(inner, OpenAICompatModel)
    assert inner.timeout == 12.5 and inner.stream and inner.client.timeout == 12.5


class FakeLlama:
    """Stands in for llama_cpp.Llama: answers with the seed it got, counts calls."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {
            "choices": [
                {"message": {"content": f"say('{kwargs['seed']}')"}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 11, "completion_tokens": 4},
        }


def test_llama_cpp_provider_shares_cache_usage_and_seeds(tmp_path: Path) -> None:
    fake = FakeLlama()
    inner = LlamaCppModel(tmp_path / "tiny-coder.gguf", llama=fake)
    model = TrackedModel(CachedModel(inner, DiskCache(tmp_path / "cache")))
    first = model.complete(MESSAGES, max_tokens=50, stop=CODE_BLOCK_STOP)
    again = model.complete(MESSAGES, max_tokens=50, stop=CODE_BLOCK_STOP)
    assert first.text == again.text == "say('0')" and again.cache_hit and len(fake.calls) == 1
    assert fake.calls[0]["max_tokens"] == 50 and fake.calls[0]["stop"] == list(CODE_BLOCK_STOP)
    assert inner.model_id == "tiny-coder" and first.provider == "llama-cpp"
    totals = model.log.totals()
    assert (totals.calls, totals.cache_hits, totals.tokens_in, totals.tokens_out) == (
        2,
        1,
        22,
        8,
    )  # hits count what they saved
    samples = model.sample(MESSAGES, 3, temperature=0.7, seed=5)
    assert [c.text for c in samples] == ["say('5')", "say('6')", "say('7')"]


def test_llama_cpp_provider_errors_are_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelError, match=r"no model file .*missing\.gguf"):
        make_model("llama-cpp", "", model_path=tmp_path / "missing.gguf")
    with pytest.raises(ModelError, match="needs a model file"):
        make_model("llama-cpp", "")
    model_file = tmp_path / "m.gguf"
    model_file.write_bytes(b"")
    import importlib

    real = importlib.import_module

    def no_llama(name: str, *args: Any) -> Any:
        if name == "llama_cpp":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_llama)
    model = make_model("llama-cpp", "", model_path=model_file, cache=False)
    with pytest.raises(ModelError, match=r"pip install 'codepolicy\[local\]'"):
        model.complete(MESSAGES)


def test_prefix_cache_hits_are_counted_where_the_server_reports_them() -> None:
    with OneChoiceServer(seed_echo) as server:
        model = TrackedModel(model_for(server))
        model.complete(MESSAGES)
        model.complete(MESSAGES)
    totals = model.log.totals()
    assert (totals.tokens_in, totals.cached_in) == (14, 10)
