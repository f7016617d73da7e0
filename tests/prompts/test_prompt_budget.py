"""The default prompt fits a CPU model: ≤ 800 tokens, and the same prefix in every round."""

from __future__ import annotations

from codepolicy.feedback.scene import describe_scene
from codepolicy.primitives.default import DEFAULT
from codepolicy.prompts.render import render_prompt
from codepolicy.prompts.tokens import count_message_tokens
from codepolicy.runner.episode import make_backend, spawns
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode


def test_default_prompt_is_at_most_800_tokens_for_every_scenario() -> None:
    backend = make_backend("kinematic")
    worst = 0
    try:
        for scenario in list_scenarios():
            episode = sample_episode(scenario, 0)
            scene = describe_scene(backend.reset(spawns(episode), seed=0))
            messages = render_prompt("zero-shot", DEFAULT, episode.instruction, scene)
            worst = max(worst, count_message_tokens(m.content for m in messages).n)
    finally:
        backend.close()
    assert worst <= 800, f"the longest default prompt has {worst} tokens"


def test_rounds_share_the_system_message_and_the_instruction_line() -> None:
    scene = [
        "red block at (0.10, -0.40) on the table",
        "blue bowl at (0.00, -0.60) near the middle",
    ]
    later = [
        "red block at (0.00, -0.60) in the blue bowl",
        "blue bowl at (0.00, -0.60) near the middle",
    ]
    first = render_prompt("zero-shot", DEFAULT, "put the red block in the blue bowl", scene)
    second = render_prompt(
        "zero-shot", DEFAULT, "put the red block in the blue bowl", later, feedback="status: failed"
    )
    assert first[0] == second[0]
    prefix = "Instruction: put the red block in the blue bowl\n"
    assert first[1].content.startswith(prefix) and second[1].content.startswith(prefix)
