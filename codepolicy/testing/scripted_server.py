"""A local OpenAI-compatible HTTP server that serves scripted answers.

Used for demos, tests and benchmark baselines: any OpenAI-compatible client (the official ``openai``
SDK included) can talk to it. It binds 127.0.0.1 on an ephemeral port, serves
``POST /v1/chat/completions`` and ``GET /v1/models``, counts usage with the offline tokenizer, and
can inject a fault per request (:class:`Fault`: 429 with ``Retry-After``, 5xx, a slow answer, a
non-JSON body, empty content).

The script is a list (consumed in order, one item per choice of each request) or a callable
``(messages) -> str | Fault``. When a list runs out, the server answers 400 ``script exhausted``
(not retryable), unless ``cycle=True``. Every request is logged (bounded, thread-safe).

Example:
    >>> from openai import OpenAI
    >>> with ScriptedServer(["print('hi')"]) as server:
    ...     client = OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
    ...     answer = client.chat.completions.create(
    ...         model="scripted", messages=[{"role": "user", "content": "go"}])
    >>> answer.choices[0].message.content
    "print('hi')"
    >>> len(server.chat_requests())
    1
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from codepolicy.llm.tokens import count_message_tokens, count_tokens

MAX_BODY_BYTES = 8 * 1024 * 1024
"""Larger request bodies are refused with 413."""


@dataclass(frozen=True)
class Fault:
    """A fault to inject instead of (or before) an answer.

    Attributes:
        kind: ``"rate_limit"`` (429), ``"server_error"`` (5xx), ``"slow"`` (wait, then answer
            ``text``), ``"garbage"`` (200 with a non-JSON body) or ``"empty"`` (200, empty content).
        status: HTTP status for ``rate_limit``/``server_error``.
        retry_after: ``Retry-After`` seconds sent with ``rate_limit`` (None: no header).
        delay_s: Seconds to wait for ``slow``.
        text: The answer sent after a ``slow`` delay; the raw body for ``garbage``.
        content_type: ``Content-Type`` of a ``garbage`` body.
    """

    kind: str
    status: int = 200
    retry_after: float | None = None
    delay_s: float = 0.0
    text: str = ""
    content_type: str = "application/json"

    @classmethod
    def rate_limit(cls, retry_after: float | None = 0.0) -> Fault:
        """A 429 with a ``Retry-After`` header (omitted if None)."""
        return cls("rate_limit", status=429, retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx error."""
        return cls("server_error", status=status)

    @classmethod
    def slow(cls, delay_s: float, text: str = "") -> Fault:
        """Wait ``delay_s`` seconds, then answer ``text``."""
        return cls("slow", delay_s=delay_s, text=text)

    @classmethod
    def garbage(
        cls, body: str = "<html>502 Bad Gateway</html>", content_type: str = "application/json"
    ) -> Fault:
        """A 200 response whose body is not a chat completion (by default not even JSON)."""
        return cls("garbage", text=body, content_type=content_type)

    @classmethod
    def empty(cls) -> Fault:
        """A well-formed answer with empty content."""
        return cls("empty")


Script = Sequence["str | Fault"] | Callable[[list[dict[str, Any]]], "str | Fault"]


@dataclass(frozen=True)
class RequestRecord:
    """One request the server received.

    Attributes:
        method: HTTP method.
        path: Request path.
        body: Parsed JSON body (None if absent or not JSON).
        status: Status code answered.
        fault: Kind of the injected fault, if any.
        usage: ``{"prompt_tokens", "completion_tokens"}`` reported, for chat answers.
        time: ``time.time()`` at arrival.
    """

    method: str
    path: str
    body: Any
    status: int
    fault: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    time: float = 0.0


class ScriptedServer:
    """An OpenAI-compatible server answering from a script; a context manager."""

    def __init__(
        self,
        script: Script,
        *,
        model: str = "scripted",
        cycle: bool = False,
        max_log: int = 1000,
        host: str = "127.0.0.1",
    ) -> None:
        """Args:
        script: Answers in order, or a callable ``(messages) -> str | Fault``.
        model: The model id the server reports.
        cycle: Start the list over when it runs out (else answer 400).
        max_log: Most recent requests kept in the log.
        host: Address to bind; loopback by default.
        """
        self.model = model
        self.cycle = cycle
        self._callable = script if callable(script) else None
        self._items: list[str | Fault] = [] if callable(script) else list(script)
        self._next = 0
        self._lock = threading.Lock()
        self._log: deque[RequestRecord] = deque(maxlen=max_log)
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The ``/v1`` base URL to give a client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedServer:
        """Serve in a background thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut short slow answers, and close the socket."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log (most recent ``max_log``)."""
        with self._lock:
            return list(self._log)

    def chat_requests(self) -> list[RequestRecord]:
        """Logged requests to ``/v1/chat/completions``."""
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    @property
    def remaining(self) -> int:
        """Unconsumed script items (0 for a callable script)."""
        with self._lock:
            return max(0, len(self._items) - self._next)

    def _log_request(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    def _next_item(self, messages: list[dict[str, Any]]) -> str | Fault | None:
        if self._callable is not None:
            return self._callable(messages)
        with self._lock:
            if self._next >= len(self._items):
                if not self.cycle or not self._items:
                    return None
                self._next = 0
            item = self._items[self._next]
            self._next += 1
            return item

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _chat(self, body: Any) -> tuple[int, dict[str, str], bytes, str | None, dict[str, int]]:
        """Answer one chat request: status, headers, body bytes, fault kind, usage."""
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _chat_error(400, "request body must be JSON with a 'messages' list")
        messages = [m for m in body["messages"] if isinstance(m, dict)]
        n = body.get("n", 1)
        n = 1 if n is None else n
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 16:
            return _chat_error(400, "n must be an integer from 1 to 16")
        texts: list[str] = []
        for index in range(n):
            item = self._next_item(messages)
            if item is None:
                return _chat_error(400, "scripted server: script exhausted")
            if isinstance(item, Fault):
                if item.kind == "slow":
                    self._wait(item.delay_s)
                    item_text = item.text
                elif item.kind == "empty":
                    item_text = ""
                elif index == 0:
                    return self._fault(item)
                else:
                    item_text = ""
            else:
                item_text = str(item)
            texts.append(item_text)
        prompt = count_message_tokens(str(m.get("content") or "") for m in messages).n
        completion = sum(count_tokens(t).n for t in texts)
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        payload = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model") or self.model),
            "choices": [
                {
                    "index": i,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
                for i, text in enumerate(texts)
            ],
            "usage": usage,
        }
        fault = "empty" if any(not t for t in texts) else None
        return 200, _JSON, json.dumps(payload).encode(), fault, usage

    def _fault(self, fault: Fault) -> tuple[int, dict[str, str], bytes, str | None, dict[str, int]]:
        if fault.kind == "garbage":
            headers = {"Content-Type": fault.content_type}
            return 200, headers, fault.text.encode(), "garbage", {}
        if fault.kind in ("rate_limit", "server_error"):
            status, headers, data = _error(fault.status, f"injected {fault.kind}")
            if fault.retry_after is not None:
                headers = {**headers, "Retry-After": f"{fault.retry_after:g}"}
            return status, headers, data, fault.kind, {}
        raise ValueError(f"unknown fault kind {fault.kind!r}")


_JSON = {"Content-Type": "application/json"}


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"error": {"message": message, "type": "scripted_error", "code": status}}
    return status, dict(_JSON), json.dumps(body).encode()


def _chat_error(
    status: int, message: str
) -> tuple[int, dict[str, str], bytes, None, dict[str, int]]:
    code, headers, data = _error(status, message)
    return code, headers, data, None, {}


def _make_handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr logging (the request log has it all)."""

        def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                payload = {
                    "object": "list",
                    "data": [{"id": server.model, "object": "model", "owned_by": "codepolicy"}],
                }
                status, headers, data = 200, dict(_JSON), json.dumps(payload).encode()
            else:
                status, headers, data = _error(404, f"no route {self.path}")
            server._log_request(RequestRecord("GET", self.path, None, status, time=time.time()))
            self._send(status, headers, data)

        def do_POST(self) -> None:
            arrived = time.time()
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self.close_connection = True
                server._log_request(RequestRecord("POST", self.path, None, 413, time=arrived))
                self._send(*_error(413, "request body too large"))
                return
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            if not self.path.rstrip("/").endswith("/chat/completions"):
                status, headers, data = _error(404, f"no route {self.path}")
                fault: str | None = None
                usage: dict[str, int] = {}
            else:
                try:
                    status, headers, data, fault, usage = server._chat(body)
                except Exception as exc:  # a broken script callable must not kill the server
                    status, headers, data = _error(500, f"script raised {exc!r}")
                    fault, usage = "script_error", {}
            record = RequestRecord("POST", self.path, body, status, fault, usage, arrived)
            server._log_request(record)
            self._send(status, headers, data)

    return Handler
