"""The Anthropic provider's request shaping and answer parsing, with a stand-in client.

The real SDK is an optional extra and is not needed here: the provider accepts a ready client.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest

from codepolicy.llm.anthropic_provider import AnthropicModel, import_anthropic
from codepolicy.llm.base import Message
from codepolicy.llm.retry import ModelError


class FakeMessages:
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.calls: list[dict[str, Any]] = []

    def create(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        text = self.texts[len(self.calls) - 1]
        blocks = [SimpleNamespace(type="text", text=text)] if text else []
        return SimpleNamespace(
            content=blocks,
            model="claude-test",
            stop_reason="end_turn",
            usage=SimpleNamespace(input_tokens=12, output_tokens=3),
        )


def test_system_messages_usage_and_samples() -> None:
    messages = FakeMessages(["say('a')", "say('b')", ""])
    model = AnthropicModel("claude-test", client=SimpleNamespace(messages=messages))
    prompt = [Message("system", "Be brief."), Message("user", "go")]
    first = model.complete(prompt, max_tokens=99)
    assert first.text == "say('a')" and first.ok and first.provider == "anthropic"
    assert (first.usage.tokens_in, first.usage.tokens_out) == (12, 3)
    assert first.finish_reason == "end_turn"
    call = messages.calls[0]
    assert call["system"] == "Be brief." and call["max_tokens"] == 99
    assert call["messages"] == [{"role": "user", "content": "go"}]
    samples = model.sample(prompt, 2, temperature=0.5)
    assert [s.text for s in samples] == ["say('b')", ""]
    assert samples[1].problem is not None and "empty answer" in samples[1].problem


def test_missing_sdk_has_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ModelError, match=r"pip install 'codepolicy\[anthropic\]'"):
        import_anthropic()
