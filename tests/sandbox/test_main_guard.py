"""The `if __name__ == "__main__":` idiom models end their scripts with is accepted and runs."""

from __future__ import annotations

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.episode import run_program
from codepolicy.sandbox.vetting import vet_program
from codepolicy.scenario.catalog import load_scenario
from codepolicy.scenario.sampler import sample_episode

GUARDED = 'def main():\n    say("from main")\n\n\nif __name__ == "__main__":\n    main()\n'


def test_a_top_level_main_guard_is_accepted_and_its_body_runs() -> None:
    assert vet_program(GUARDED, get_profile("default")).ok
    episode = sample_episode(load_scenario("pick-place-seen"), 0)
    world = make_world("kinematic")
    try:
        feedback = run_program(episode, GUARDED, world)
    finally:
        world.close()
    assert feedback.executable and feedback.said == ["from main"]


@pytest.mark.parametrize(
    "source",
    [
        "x = __name__\n",
        'if __name__ == "__main__" or True:\n    say("x")\n',
        'def f():\n    if __name__ == "__main__":\n        say("x")\n\nf()\n',
        'if __name__ != "__main__":\n    say("x")\n',
    ],
)
def test_other_uses_of_dunder_names_stay_refused(source: str) -> None:
    assert not vet_program(source, get_profile("default")).ok
