"""Replanning strategies end to end: real openai client, local scripted server, sandboxed programs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codepolicy.llm.base import Message
from codepolicy.scenario.sampler import Episode
from codepolicy.testing.scripted_server import Fault


def last_user(messages: list[dict[str, Any]] | list[Message]) -> str:
    item = messages[-1]
    return item["content"] if isinstance(item, dict) else item.content


def test_wrong_primitive_is_rejected_fed_back_and_fixed_in_round_2(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    solver, server, usage = solver_for(
        [fenced(f"grab({block!r})"), fenced(f"pick_and_place({block!r}, {target!r})")],
        strategy="refine",
    )
    solution = solver.solve(pick_place)
    assert [r.feedback.status.value for r in solution.rounds] == ["rejected", "success"]
    second_prompt = last_user(server.chat_requests()[1].body["messages"])
    assert "unknown primitive 'grab'; did you mean 'grasp'?" in second_prompt
    assert solution.feedback.success and usage.totals().calls == 2


def test_runtime_error_with_its_line_is_fed_back_and_fixed(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    broken = f"say('starting')\nposition = get_object_position('purple block')\nplace({target!r})"
    solver, server, _ = solver_for(
        [fenced(broken), fenced(f"pick_and_place({block!r}, {target!r})")], strategy="refine"
    )
    solution = solver.solve(pick_place)
    first = solution.rounds[0].feedback
    assert first.status.value == "error" and first.error is not None and first.error.line == 2
    second_prompt = last_user(server.chat_requests()[1].body["messages"])
    assert "Error at line 2: UnknownObject" in second_prompt
    assert "2 | position = get_object_position('purple block')" in second_prompt
    assert solution.feedback.success


def test_best_of_n_executes_only_the_candidate_that_works(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    good = fenced(f"pick_and_place({block!r}, {target!r})")
    bad = fenced(f"pick_and_place({block!r}, 'top left corner')")
    broken = fenced("grasp('no such thing')")
    solver, _, _ = solver_for([broken, bad, good, bad], strategy="best-of-n", n=4)
    solution = solver.solve(pick_place)
    candidates = [r for r in solution.rounds if not r.executed]
    executed = [r for r in solution.rounds if r.executed]
    assert len(candidates) == 4 and len(executed) == 1
    assert [c.feedback.success for c in candidates] == [False, False, True, False]
    assert executed[0].program == candidates[2].program
    assert solution.feedback.success and solution.feedback.backend == "kinematic"


def test_closed_loop_continues_after_a_failed_grasp(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    other = next(
        n for n in pick_place.object_names if n.endswith("block") and n not in (block, target)
    )
    # The block under another cannot be grasped (on physics and on kinematic alike).
    first = fenced(
        f"say('hi')\npick_and_place({other!r}, {block!r})\ngrasp({block!r})\nplace({target!r})"
    )
    continuation = fenced(f"pick_and_place({block!r}, {target!r})")
    solver, server, _ = solver_for([first, continuation], strategy="closed-loop")
    solution = solver.solve(pick_place)
    assert solution.rounds[0].feedback.status.value == "aborted"
    prompt = last_user(server.chat_requests()[1].body["messages"])
    assert "Your program was paused because a step failed" in prompt
    assert "grasp_missed" in prompt
    assert solution.rounds[1].kind == "continue" and solution.feedback.success


def test_a_missing_helper_function_is_generated_on_demand(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    program = fenced(f"put_onto({block!r}, {target!r})")
    helper = fenced(
        "def put_onto(obj, where):\n    '''Move obj onto where.'''\n    pick_and_place(obj, where)"
    )
    solver, server, _ = solver_for([program, helper])
    solution = solver.solve(pick_place)
    assert "def put_onto(obj, where):" in solution.rounds[0].program
    assert [d.purpose for d in solution.drafts] == ["program", "function"]
    assert "calls a helper function that does not exist yet" in last_user(
        server.chat_requests()[1].body["messages"]
    )
    assert solution.feedback.success


def test_a_repeated_run_is_answered_by_the_cache_with_zero_http_calls(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    answer = fenced(f"pick_and_place({block!r}, {target!r})")
    solver, server, usage = solver_for(lambda messages: answer)
    assert solver.solve(pick_place).feedback.success
    calls_after_first = len(server.chat_requests())
    assert solver.solve(pick_place).feedback.success
    assert len(server.chat_requests()) == calls_after_first == 1
    totals = usage.totals()
    assert totals.calls == 2 and totals.cache_hits == 1


def test_injected_faults_are_retried_and_reported(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    block, target = pick_place.variables["block"], pick_place.variables["target"]
    answer = fenced(f"pick_and_place({block!r}, {target!r})")
    solver, server, usage = solver_for([Fault.rate_limit(0.01), Fault.server_error(500), answer])
    solution = solver.solve(pick_place)
    assert solution.feedback.success
    assert len(server.chat_requests()) == 3
    assert solution.drafts[0].completion.retries == 2
    assert usage.totals().retries == 2


def test_an_answer_without_code_is_feedback_not_a_crash(
    solver_for: Callable[..., Any], pick_place: Episode, fenced: Callable[[str], str]
) -> None:
    solver, _, _ = solver_for(["I would rather not write code today."])
    feedback = solver.solve(pick_place).feedback
    assert feedback.status.value == "rejected" and not feedback.success
    assert "no Python code found" in feedback.to_text()
    assert 0.0 <= feedback.wall_time < 10.0, "wall time is measured from the request, not boot"
