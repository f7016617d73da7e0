"""Retry policy details and the scripted server's own behaviour."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from typing import Any

import pytest

from codepolicy.llm.retry import (
    ModelError,
    RetryPolicy,
    Transient,
    call_with_retry,
    classify_builtin,
    parse_retry_after,
)
from codepolicy.testing.scripted_server import Fault, ScriptedServer


def post(server: ScriptedServer, body: Any, path: str = "/v1/chat/completions") -> Any:
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def chat(text: str = "hi", n: int = 1) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": text}], "n": n}


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = parse_retry_after(formatdate(time.time() + 30, usegmt=True))
    assert future is not None and 25 < future <= 31


def test_policy_delay_caps_and_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=0.25, seed=1)
    assert policy.delay(0, retry_after=120) == 5.0  # a server's Retry-After is capped
    assert policy.delay(0, retry_after=0) == 0.0
    delays = [policy.delay(i) for i in range(4)]
    assert 1.0 <= delays[0] <= 1.25 and 2.0 <= delays[1] <= 2.5 and delays[3] == 5.0
    same = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=0.25, seed=1)
    assert [same.delay(i) for i in range(4)] == delays  # seeded jitter is reproducible


def test_call_with_retry_classifies() -> None:
    calls: list[int] = []

    def refuse() -> None:
        calls.append(1)
        raise ValueError("bad request")

    with pytest.raises(ModelError) as info:
        call_with_retry(refuse, RetryPolicy(sleep=lambda s: None), classify_builtin)
    assert info.value.kind == "client_error" and len(calls) == 1
    assert isinstance(info.value.__cause__, ValueError)
    assert classify_builtin(ConnectionResetError()) == Transient("connection")
    with pytest.raises(ModelError, match="after 1 attempt ") as timeout:
        call_with_retry(
            lambda: (_ for _ in ()).throw(TimeoutError("t")),
            RetryPolicy(max_retries=0),
            classify_builtin,
        )
    assert timeout.value.kind == "timeout"


def test_models_route_and_unknown_routes() -> None:
    with ScriptedServer(["x"], model="local-coder") as server:
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as response:
            listing = json.loads(response.read())
        assert listing["data"][0]["id"] == "local-coder"
        status, body = post(server, chat(), path="/v1/embeddings")
        assert status == 404 and "no route" in body["error"]["message"]
        assert server.remaining == 1


def test_bad_requests_are_400() -> None:
    with ScriptedServer(["x"]) as server:
        assert post(server, b"not json")[0] == 400
        assert post(server, {"model": "m"})[0] == 400
        assert post(server, chat(n=0))[0] == 400
        assert server.remaining == 1  # refused requests consume nothing


def test_callable_script_cycle_and_faults_per_choice() -> None:
    def echo(messages: list[dict[str, Any]]) -> str:
        return messages[-1]["content"].upper()

    with ScriptedServer(echo) as server:
        assert post(server, chat("abc"))[1]["choices"][0]["message"]["content"] == "ABC"
    with ScriptedServer(["a", "b"], cycle=True) as server:
        texts = [post(server, chat())[1]["choices"][0]["message"]["content"] for _ in range(3)]
        assert texts == ["a", "b", "a"]
    with ScriptedServer(["a", Fault.empty(), Fault.slow(0.01, "c")]) as server:
        choices = post(server, chat(n=3))[1]["choices"]
        assert [c["message"]["content"] for c in choices] == ["a", "", "c"]


def test_broken_callable_answers_500_and_server_survives() -> None:
    def broken(messages: list[dict[str, Any]]) -> str:
        raise RuntimeError("boom")

    with ScriptedServer(broken) as server:
        status, body = post(server, chat())
        assert status == 500 and "boom" in body["error"]["message"]
        assert server.requests[-1].fault == "script_error"


def test_log_is_bounded_and_threads_share_the_script() -> None:
    script = [f"answer {i}" for i in range(40)]
    with ScriptedServer(script, max_log=10) as server:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: post(server, chat()), range(40)))
        texts = sorted(body["choices"][0]["message"]["content"] for _, body in results)
        assert texts == sorted(script)  # every item served exactly once
        assert len(server.requests) == 10 and server.remaining == 0


def test_stop_cuts_slow_answers_short() -> None:
    server = ScriptedServer([Fault.slow(30.0, "late")]).start()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(post, server, chat())
        time.sleep(0.2)
        started = time.monotonic()
        server.stop()
        future.result(timeout=10)
    assert time.monotonic() - started < 5
