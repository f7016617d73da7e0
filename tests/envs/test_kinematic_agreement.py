"""The wrong-program set and outcome agreement between the kinematic and the physics world.

The full measurement is ``benchmarks/kinematic_vs_physics.py``; these tests check the data files and
run a sample of them on both worlds.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode

AGREEMENT = Path(__file__).parents[2] / "benchmarks" / "agreement.py"


@pytest.fixture(scope="module")
def agreement() -> ModuleType:
    spec = importlib.util.spec_from_file_location("agreement", AGREEMENT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["agreement"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def worlds() -> Iterator[dict[str, World]]:
    made = {kind: make_world(kind) for kind in ("kinematic", "physics")}
    yield made
    for world in made.values():
        world.scene.close()


def test_the_set_has_forty_programs_over_every_family(agreement: ModuleType) -> None:
    programs = agreement.load_wrong_programs()
    assert len(programs) >= 40
    families = {s.family.spec.family for s in list_scenarios()}
    assert {p.family for p in programs} == families
    for program in programs:  # every program binds on its scenario (variables exist)
        episode = sample_episode(agreement.get_scenario(program.scenario), 0)
        assert program.bind(episode).count("\n") > len(program.uses)
        assert program.wrong


def test_a_malformed_header_names_the_file_and_line(agreement: ModuleType, tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("# scenario: stack-blocks-seen\n# wrong:\n# uses:\ngrasp('x')\n")
    with pytest.raises(agreement.WrongProgramError, match=r"bad\.py:2: 'wrong' is empty"):
        agreement.parse_wrong_program(bad)
    bad.write_text("# scenario: no-such-scenario\n# wrong: x\n# uses:\ngrasp('x')\n")
    with pytest.raises(agreement.WrongProgramError, match=r"bad\.py:1: .*no-such-scenario"):
        agreement.parse_wrong_program(bad)
    bad.write_text("grasp('x')\n")
    with pytest.raises(agreement.WrongProgramError, match=r"bad\.py:1: expected a '# scenario:"):
        agreement.parse_wrong_program(bad)


@pytest.mark.slow
def test_both_worlds_home_at_the_same_pose(worlds: dict[str, World]) -> None:
    homes = {kind: world.scene.reset([]).gripper_position for kind, world in worlds.items()}
    assert homes["kinematic"] == pytest.approx(homes["physics"], abs=1e-3)


@pytest.mark.slow
def test_kinematic_agrees_with_physics_on_a_sample_of_wrong_programs(
    agreement: ModuleType, worlds: dict[str, World]
) -> None:
    programs = agreement.load_wrong_programs()
    first_of_family: dict[str, object] = {}
    for program in programs:
        first_of_family.setdefault(program.family, program)
    # One program per family, plus the stack and bowl failures the kinematic world must model.
    wanted = {"stack-blocks--take-out-the-middle", "blocks-in-bowl--on-the-rim"}
    sample = [*first_of_family.values(), *(p for p in programs if p.name in wanted)]
    comparisons = [
        agreement.compare(label, family, episode, program, worlds)
        for label, family, episode, program in agreement.wrong_program_cases(sample, [0])
    ]
    tally = agreement.Tally.of(comparisons)
    disagreements = [c.describe() for c in comparisons if not c.agrees]
    assert tally.success_agree == tally.total, disagreements
    assert tally.rate >= 0.9, disagreements


def test_bottom_of_a_stack_cannot_be_grasped_on_kinematic(agreement: ModuleType) -> None:
    program = next(
        p
        for p in agreement.load_wrong_programs()
        if p.name == "stack-blocks--grasp-bottom-of-stack"
    )
    world = make_world("kinematic")
    (case,) = agreement.wrong_program_cases([program], [1])
    result = agreement.compare(*case, {"kinematic": world})
    feedback = result.feedback["kinematic"]
    assert feedback.status.value == "error" and feedback.error is not None
    assert feedback.error.type == "GraspMissed"


@pytest.mark.slow
@pytest.mark.parametrize(
    "target", [(0.3, -0.8, 0.02), (-0.25, -0.812, 0.038), (0.0, -0.95, 0.02), (0.35, -0.85, 0.6)]
)
def test_kinematic_reach_is_the_physics_planners(target: tuple[float, float, float]) -> None:
    import numpy as np

    from codepolicy.envs.kinematic import reachable
    from codepolicy.envs.motion import plan_move
    from codepolicy.envs.physics import PhysicsBackend

    physics = PhysicsBackend()
    try:
        physics.reset([])
        q_home = np.array(physics.world.robot.home_q)
        planned = plan_move(q_home, (0.0, 0.0), np.array(target), 0.5, physics.world.time_step)
    finally:
        physics.close()
    assert reachable(target) == (planned is not None)
