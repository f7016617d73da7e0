"""The real ``openai`` client against the local scripted server: answers, usage, retries, faults."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import openai
import pytest

from codepolicy.llm.base import Message
from codepolicy.llm.openai_compat import DUMMY_API_KEY, OpenAICompatModel
from codepolicy.llm.retry import ModelError, RetryPolicy
from codepolicy.llm.tokens import count_tokens
from codepolicy.testing.scripted_server import Fault, ScriptedServer

MESSAGES = [Message("system", "You write robot programs."), Message("user", "stack the blocks")]


class Sleeps(list[float]):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make(
    server: ScriptedServer, sleeps: Sleeps, *, retries: int = 3, timeout: float = 5.0
) -> OpenAICompatModel:
    policy = RetryPolicy(max_retries=retries, base_delay=0.5, sleep=sleeps, seed=0)
    return OpenAICompatModel(
        "scripted", base_url=server.base_url, timeout=timeout, retry=policy, api_key=None
    )


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    yield


def test_scripted_answers_and_server_usage(sleeps: Sleeps) -> None:
    with ScriptedServer(["pick_and_place('red block', 'blue bowl')", "say('done')"]) as server:
        model = make(server, sleeps)
        first = model.complete(MESSAGES)
        second = model.complete(MESSAGES, temperature=0.5, max_tokens=50, seed=7)
        log = server.chat_requests()
    assert first.text == "pick_and_place('red block', 'blue bowl')"
    assert second.text == "say('done')"
    assert first.ok and first.problem is None and first.retries == 0
    assert first.finish_reason == "stop" and first.provider == "openai-compat"
    assert first.model == "scripted" and first.latency_s > 0 and not first.cache_hit
    # Usage numbers come from the server, which counts with the offline tokenizer.
    assert first.usage.tokens_in == log[0].usage["prompt_tokens"]
    assert first.usage.tokens_out == log[0].usage["completion_tokens"]
    expected_in = sum(count_tokens(m.content).n for m in MESSAGES)
    assert first.usage.tokens_in == expected_in
    assert first.usage.tokens_out == count_tokens(first.text).n
    # The request the server saw carries our sampling parameters and messages.
    body = log[1].body
    assert body["temperature"] == 0.5 and body["max_tokens"] == 50 and body["seed"] == 7
    assert body["messages"] == [m.to_dict() for m in MESSAGES]
    assert sleeps == []


def test_sample_n_in_one_request(sleeps: Sleeps) -> None:
    with ScriptedServer(["a = 1", "b = 2", "c = 3"]) as server:
        completions = make(server, sleeps).sample(MESSAGES, 3, temperature=0.8)
        assert len(server.chat_requests()) == 1
        assert server.chat_requests()[0].body["n"] == 3
    assert [c.text for c in completions] == ["a = 1", "b = 2", "c = 3"]
    # The call's usage is carried by the first sample only, so sums stay right.
    assert completions[0].usage.tokens_out == 3 * count_tokens("a = 1").n
    assert completions[1].usage.tokens_in == 0


def test_rate_limit_is_retried_honouring_retry_after(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.rate_limit(retry_after=1.5), "ok()"]) as server:
        completion = make(server, sleeps).complete(MESSAGES)
        statuses = [r.status for r in server.chat_requests()]
    assert completion.text == "ok()" and completion.retries == 1
    assert statuses == [429, 200]
    assert sleeps == [1.5]


def test_server_errors_are_retried_with_backoff(sleeps: Sleeps) -> None:
    script = [Fault.server_error(500), Fault.server_error(503), "ok()"]
    with ScriptedServer(script) as server:
        completion = make(server, sleeps).complete(MESSAGES)
        statuses = [r.status for r in server.chat_requests()]
    assert completion.text == "ok()" and completion.retries == 2
    assert statuses == [500, 503, 200]
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 0.5 * 1.25 and 1.0 <= sleeps[1] <= 1.0 * 1.25


def test_retries_run_out_into_a_typed_error(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.server_error(500)], cycle=True) as server:
        with pytest.raises(ModelError) as info:
            make(server, sleeps, retries=2).complete(MESSAGES)
        assert len(server.chat_requests()) == 3
    err = info.value
    assert err.kind == "server_error" and err.attempts == 3 and err.status == 500
    assert isinstance(err.__cause__, openai.InternalServerError)
    assert "after 3 attempts" in str(err)
    assert len(sleeps) == 2


def test_client_errors_are_not_retried(sleeps: Sleeps) -> None:
    with ScriptedServer([]) as server:  # an empty script answers 400 "script exhausted"
        with pytest.raises(ModelError) as info:
            make(server, sleeps).complete(MESSAGES)
        assert len(server.chat_requests()) == 1
    assert info.value.kind == "client_error" and info.value.attempts == 1
    assert info.value.status == 400 and "script exhausted" in str(info.value)
    assert sleeps == []


def test_timed_out_request_is_not_repeated_and_says_what_to_change(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.slow(3.0, "late()"), "ok()"]) as server:
        with pytest.raises(ModelError) as info:
            make(server, sleeps, timeout=0.3).complete(MESSAGES)
        assert server.remaining == 1  # sent once: "ok()" was never asked for
    assert info.value.kind == "timeout" and sleeps == []
    assert server.base_url in str(info.value) and "--timeout" in str(info.value)


def test_timeouts_are_retried_only_when_the_policy_says(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.slow(3.0, "late()"), "ok()"]) as server:
        model = make(server, sleeps, timeout=0.3)
        model.retry.retry_timeouts = True
        completion = model.complete(MESSAGES)
    assert completion.text == "ok()" and completion.retries == 1


def test_slow_answer_within_timeout_is_fine(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.slow(0.1, "patient()")]) as server:
        completion = make(server, sleeps, timeout=5).complete(MESSAGES)
    assert completion.text == "patient()" and completion.latency_s >= 0.1


def test_garbage_body_is_a_malformed_completion_not_retried(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.garbage("<html>oops</html>"), "never()"]) as server:
        completion = make(server, sleeps).complete(MESSAGES)
        assert len(server.chat_requests()) == 1
    assert completion.text == "" and not completion.ok
    assert completion.problem is not None and "not valid JSON" in completion.problem
    assert sleeps == []


def test_other_unusable_bodies_are_malformed_completions(sleeps: Sleeps) -> None:
    script = [Fault.garbage("<p>hi</p>", content_type="text/html"), Fault.garbage('{"id": 1}')]
    with ScriptedServer(script) as server:
        model = make(server, sleeps)
        html, no_choices = model.complete(MESSAGES), model.complete(MESSAGES)
    assert html.problem == "malformed answer: expected a chat completion, got '<p>hi</p>'"
    assert no_choices.problem == "malformed answer: the chat completion has no choices"
    assert html.text == no_choices.text == ""


def test_empty_content_is_flagged(sleeps: Sleeps) -> None:
    with ScriptedServer([Fault.empty()]) as server:
        completion = make(server, sleeps).complete(MESSAGES)
        assert server.chat_requests()[0].fault == "empty"
    assert completion.text == "" and not completion.ok
    assert completion.problem == "the model returned an empty answer (finish reason: stop)"


def test_connection_refused_is_retried_then_raised(sleeps: Sleeps) -> None:
    with socket.socket() as sock:  # find a free port, then close it so nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    policy = RetryPolicy(max_retries=1, sleep=sleeps, seed=0)
    model = OpenAICompatModel("m", base_url=f"http://127.0.0.1:{port}/v1", retry=policy)
    with pytest.raises(ModelError) as info:
        model.complete(MESSAGES)
    assert info.value.kind == "connection" and info.value.attempts == 2


def test_configuration_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="OPENAI_API_KEY") as info:
        OpenAICompatModel("gpt-4o-mini")
    assert info.value.kind == "config"
    with ScriptedServer(["from_env()"]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        model = OpenAICompatModel("scripted")
        assert model.client.api_key == DUMMY_API_KEY  # base URL without a key: dummy key
        assert model.complete(MESSAGES).text == "from_env()"
        assert model.list_models() == ["scripted"]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert OpenAICompatModel("x", base_url="http://127.0.0.1:9/v1").client.api_key == "sk-test"
