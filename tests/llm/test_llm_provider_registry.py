"""Model providers register by name; a plugin provider runs the llm planner end to end."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

import codepolicy
from codepolicy.errors import ConfigError
from codepolicy.llm import PROVIDERS, Completion, Message, ModelBase, SamplingParams
from codepolicy.pipeline import load_episode
from codepolicy.planning.planners import LLMOptions


class _Scripted(ModelBase):
    """Answers every request with one fenced program."""

    def __init__(self, model: str, program: str) -> None:
        self.model, self.program, self.requests = model, program, 0

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        self.requests += 1
        text = f"```python\n{self.program}\n```"
        return [Completion(text=text, model=self.model) for _ in range(params.n)]


@pytest.fixture
def scripted_provider() -> Iterator[dict[str, Any]]:
    episode = load_episode("pick-place", 0)
    program = "pick_and_place({block!r}, {target!r})".format(**episode.variables)
    made: dict[str, Any] = {"episode": episode}

    def factory(model: str, **options: Any) -> _Scripted:
        made["model"] = _Scripted(model, program)
        made["options"] = options
        return made["model"]

    PROVIDERS.register("scripted-test", factory)
    yield made
    PROVIDERS.unregister("scripted-test")


def test_a_registered_provider_writes_the_programs(scripted_provider: dict[str, Any]) -> None:
    options = LLMOptions(model="tiny-coder", provider="scripted-test", cache=False)
    result = codepolicy.run_episode(
        scripted_provider["episode"], backend="kinematic", planner="llm", llm=options
    )
    assert result.success and result.planner == "llm"
    assert scripted_provider["model"].requests == 1
    assert set(scripted_provider["options"]) == {"base_url", "api_key", "timeout", "retry"}
    assert result.usage.totals().calls == 1


def test_unknown_providers_name_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown provider 'gemini'; choose one of: openai, "):
        LLMOptions(model="m", provider="gemini").check()
