"""A loopback server that behaves like llama.cpp / Ollama: it ignores ``n`` and returns one choice.

Each answer is produced by ``answer(body)`` from the request body (so tests can echo the seed), and
``stream: true`` requests get server-sent events, one word per chunk, then a usage chunk when
``stream_options.include_usage`` asks for it. Every request body is recorded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OneChoiceServer:
    """Serve ``/v1/chat/completions`` on 127.0.0.1 with one choice per request."""

    def __init__(self, answer: Callable[[dict[str, Any]], str]) -> None:
        self.answer = answer
        self.bodies: list[dict[str, Any]] = []
        self.cut_streams = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.bodies.append(body)
                text = owner.answer(body)
                if body.get("stream"):
                    self._stream(body, text)
                    return
                data = json.dumps(_completion(text, body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = text.split(" ")
                try:
                    for i, word in enumerate(words):
                        piece = word if i == len(words) - 1 else word + " "
                        delta = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                        self._event(
                            {
                                "id": "s",
                                "object": "chat.completion.chunk",
                                "created": 0,
                                "model": "one",
                                **delta,
                            }
                        )
                    done = {"index": 0, "delta": {}, "finish_reason": "stop"}
                    self._event(
                        {
                            "id": "s",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": "one",
                            "choices": [done],
                        }
                    )
                    if (body.get("stream_options") or {}).get("include_usage"):
                        usage = {
                            "prompt_tokens": 7,
                            "completion_tokens": len(words),
                            "total_tokens": 7 + len(words),
                        }
                        self._event(
                            {
                                "id": "s",
                                "object": "chat.completion.chunk",
                                "created": 0,
                                "model": "one",
                                "choices": [],
                                "usage": usage,
                            }
                        )
                    self.wfile.write(b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):
                    owner.cut_streams += 1

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> OneChoiceServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _completion(text: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "one"),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": 7,
            "completion_tokens": 3,
            "total_tokens": 10,
            "prompt_tokens_details": {"cached_tokens": 5},
        },
    }
