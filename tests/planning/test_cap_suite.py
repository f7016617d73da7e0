"""Our CaP-style programs (tests/planning/cap_suite.py) achieve their tasks on both worlds.

Helper LMPs and generated functions are answered by a scripted model; programs of one case run as
a session (one namespace, the world as the previous program left it).
"""

from __future__ import annotations

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.planning.instructions import ProgramsResult, run_programs
from codepolicy.primitives.profiles import get_profile
from codepolicy.scenario.sampler import Episode, EpisodeBudget, SpawnSpec
from codepolicy.success.spec import parse_condition
from tests.planning.cap_suite import CASES, CapCase, ScriptedLMPModel

KINDS_COVERED = {
    "pick and place by name",
    "named position parsed by a helper",
    "stacking in order",
    "line of objects from parsed names and points",
    "a bowl moved onto another bowl",
    "yes/no question",
    "transforming an earlier shape (transform_shape_pts)",
    "an undo that uses an earlier step's variables",
    "a follow-up that uses the earlier instruction's variable",
}


def episode_of(case: CapCase) -> Episode:
    """A fixed-layout episode for a case (no sampling: the scene is the case's)."""
    objects = tuple(
        SpawnSpec(name=name, kind=name.split()[-1], color=name.split()[0], x=x, y=y)
        for name, x, y in case.scene
    )
    anywhere = {"at": {"object": case.scene[0][0], "location": "middle", "tolerance": 2.0}}
    return Episode(
        scenario=f"cap-{case.name}",
        family="cap",
        gym_name="Cap",
        instruction_split="seen",
        attribute_split="seen",
        difficulty="medium",
        oracle="pick-place",
        seed=0,
        instruction=case.kind,
        objects=objects,
        variables={},
        success=parse_condition(case.success or anywhere),
        budget=EpisodeBudget(max_calls=100, max_sim_seconds=600),
    )


def run_case(case: CapCase, world: World) -> tuple[ProgramsResult, ScriptedLMPModel]:
    model = ScriptedLMPModel(case.helpers)
    result = run_programs(
        episode_of(case), case.programs, backend=world, registry=get_profile("cap"), model=model
    )
    return result, model


def achieved(case: CapCase, result: ProgramsResult) -> bool:
    said = " ".join(s for f in result.feedbacks for s in f.said).lower()
    ran = all(f.executable for f in result.feedbacks)
    return ran and result.success and all(words in said for words in case.said)


def test_the_suite_covers_every_kind_of_cap_example() -> None:
    assert len(CASES) >= 35
    assert {c.kind for c in CASES} >= KINDS_COVERED
    assert any(len(c.programs) > 1 for c in CASES)
    assert any("transform_shape_pts" in "".join(c.programs) for c in CASES)
    assert any(
        "get_" in c.helpers.get(k, "") and k.startswith("get_") for c in CASES for k in c.helpers
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cap_program_on_the_kinematic_world(case: CapCase) -> None:
    result, model = run_case(case, make_world("kinematic"))
    assert achieved(case, result), [f.to_text() for f in result.feedbacks] + model.queries


@pytest.mark.slow
def test_cap_programs_on_physics_at_least_90_percent() -> None:
    outcomes = {
        case.name: achieved(case, run_case(case, make_world("physics"))[0]) for case in CASES
    }
    failed = [name for name, ok in outcomes.items() if not ok]
    assert len(failed) <= 0.1 * len(CASES), failed


def test_helper_steps_carry_the_generated_code() -> None:
    case = next(c for c in CASES if c.name == "corner-by-parse")
    result, _ = run_case(case, make_world("kinematic"))
    step = next(e for e in result.feedback.steps if e.primitive == "parse_position")
    assert step.info["code"] == "ret_val = denormalize_xy([1, 1])"
    assert step.info["helper"] == "parse_position"


def test_a_helper_the_model_cannot_answer_is_a_catchable_error() -> None:
    case = next(c for c in CASES if c.name == "corner-by-parse")
    program = (
        "try:\n    pos = parse_position('somewhere odd')\nexcept PrimitiveError as exc:\n"
        "    say('could not: ' + str(exc))\n"
    )
    result = run_programs(
        episode_of(case),
        [program],
        backend=make_world("kinematic"),
        registry=get_profile("cap"),
        model=ScriptedLMPModel({}),
    )
    assert result.feedback.executable
    assert "no code in the model's answer" in result.feedback.said[0]


def test_objects_is_set_before_every_cap_program() -> None:
    case = next(c for c in CASES if c.name == "imagine")
    result = run_programs(
        episode_of(case),
        ["say(str(len(objects)) + ' objects')"],
        backend=make_world("kinematic"),
        registry=get_profile("cap"),
    )
    assert result.feedback.said == ["6 objects"]
