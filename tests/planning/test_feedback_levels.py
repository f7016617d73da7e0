"""What a model is told between rounds: levels, program-level sentences, and no answer leaks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.feedback.levels import FEEDBACK_LEVELS, hidden_names, model_feedback
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario, list_scenarios
from codepolicy.scenario.sampler import Episode, sample_episode

NAMES = get_profile("default").names()


def feedback_of(episode: Episode, program: str) -> Any:
    world = make_world("kinematic")
    try:
        return run_program(episode, program, world)
    finally:
        world.close()


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start) : text.index(end)]


def test_refine_feedback_never_names_the_object_the_instruction_hides(
    solver_for: Callable[..., Any], fenced: Callable[[str], str]
) -> None:
    episode = sample_episode(get_scenario("block-by-distance-seen"), 0)
    hidden = hidden_names(episode)
    assert hidden == {episode.variables["block"]}  # "the block closest to the ... bowl"
    solver, server, _ = solver_for(
        [fenced("say('trying')"), fenced("say('again')")], strategy="refine", max_rounds=2
    )
    solver.solve(episode)
    prompt = server.chat_requests()[1].body["messages"][-1]["content"]
    told = between(prompt, "What happened:", "Write a corrected program")
    assert "Task: not achieved" in told and "a condition of the instruction is not met" in told
    assert not any(name in told for name in hidden)


@pytest.mark.parametrize("scenario", [s.name for s in list_scenarios() if s.name.endswith("-seen")])
def test_no_level_reveals_a_hidden_binding_in_any_family(scenario: str) -> None:
    episode = sample_episode(get_scenario(scenario), 1)
    feedback = feedback_of(episode, "say('nothing')")
    hidden = hidden_names(episode)
    for level in FEEDBACK_LEVELS[
        :3
    ]:  # explain+scene lists the scene, where every object is visible
        text = model_feedback(
            feedback, level, hidden=hidden, program="say('nothing')", primitives=NAMES
        )
        assert not any(name in text for name in hidden), (level, hidden, text)


def test_levels_say_more_and_more() -> None:
    episode = sample_episode(get_scenario("pick-place-seen"), 0)
    program = "say('hi')\nx = get_object_position('purple block')\n"
    feedback = feedback_of(episode, program)
    texts = {
        level: model_feedback(feedback, level, program=program, primitives=NAMES)
        for level in FEEDBACK_LEVELS
    }
    assert texts["binary"] == "Status: error\nTask: not achieved"
    assert (
        "UnknownObject" in texts["errors"]
        and "2 | x = get_object_position('purple block')" in texts["errors"]
    )
    assert "Calls (" not in texts["errors"] and "Calls (" in texts["explain"]
    assert "What changed" in texts["explain"] and "Scene now" not in texts["explain"]
    assert "Scene now" in texts["explain+scene"]
    with pytest.raises(ValueError, match="unknown feedback level"):
        model_feedback(feedback, "everything")


def test_redefined_primitive_and_uncalled_function_get_one_sentence_each() -> None:
    episode = sample_episode(get_scenario("pick-place-seen"), 0)
    redefines = "def grasp(name):\n    return None\n\ngrasp('red block')\n"
    text = model_feedback(
        feedback_of(episode, redefines), "errors", program=redefines, primitives=NAMES
    )
    assert "The program re-defines grasp, which is already provided: call it instead" in text
    uncalled = "def solve():\n    pick_and_place('red block', 'blue bowl')\n"
    feedback = feedback_of(episode, uncalled)
    assert feedback.status.value == "failed" and not feedback.steps
    text = model_feedback(feedback, "errors", program=uncalled, primitives=NAMES)
    assert text.count("defines solve() but never calls it") == 1


def test_syntax_errors_quote_the_line_and_say_what_was_expected() -> None:
    episode = sample_episode(get_scenario("pick-place-seen"), 0)
    for program, expected in [
        ("for name in get_object_names()\n    say(name)\n", "expected ':'"),
        ("def move_to([0.1, 0.2]):\n    pass\n", "expected"),
    ]:
        text = model_feedback(
            feedback_of(episode, program), "errors", program=program, primitives=NAMES
        )
        first_line = program.splitlines()[0]
        assert f"1 | {first_line}" in text and expected in text, text


def test_refine_tells_the_model_to_drop_the_robot_prefix_and_which_call_takes_two_arguments(
    solver_for: Callable[..., Any], fenced: Callable[[str], str]
) -> None:
    episode = sample_episode(get_scenario("pick-place-seen"), 0)
    block, target = episode.variables["block"], episode.variables["target"]
    wrong = f"robot.grasp({block!r})\nplace({block!r}, {target!r})"
    solver, server, _ = solver_for(
        [fenced(wrong), fenced(f"pick_and_place({block!r}, {target!r})")],
        strategy="refine",
        max_rounds=2,
    )
    solution = solver.solve(episode)
    told = server.chat_requests()[1].body["messages"][-1]["content"]
    assert "write grasp(...), not robot.grasp(...)" in told
    assert "place(target) takes 1 argument, not 2; pick_and_place(obj, target) takes 2." in told
    assert solution.feedback.success


def test_the_calls_in_feedback_read_as_a_record_not_as_code_to_copy() -> None:
    episode = sample_episode(get_scenario("pick-place-seen"), 0)
    program = "get_location('top side')\ngrasp('purple block')\n"
    text = model_feedback(feedback_of(episode, program), "explain", program=program)
    assert "a record of what ran, not code to copy" in text
    assert "- line 1: get_location(name='top side') returned [" in text
    assert "- line 2: grasp(name='purple block') failed with " in text
    assert ") -> " not in text


def test_an_argument_that_looks_like_an_arrow_is_quoted_as_it_was() -> None:
    episode = sample_episode(get_scenario("pick-place-seen"), 0)
    program = "get_object_position('a) -> b')\n"
    text = model_feedback(feedback_of(episode, program), "explain", program=program)
    assert "get_object_position(name='a) -> b') failed with " in text
