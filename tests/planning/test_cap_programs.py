"""Programs written in Code as Policies' prompt style solve the matching scenarios under --profile cap."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import Episode, sample_episode
from codepolicy.testing.scripted_server import ScriptedServer

CAP_PROGRAMS = {
    "pick-place": """
# {instruction}.
say('Ok - putting the {block} on the {target}')
put_first_on_second('{block}', '{target}')
""",
    "stack-blocks": """
# {instruction}.
block_names = [name for name in get_obj_names() if 'block' in name]
for i in range(1, len(block_names)):
    put_first_on_second(block_names[i], block_names[i - 1])
""",
    "blocks-matching-bowls": """
# {instruction}.
block_names = [name for name in get_obj_names() if 'block' in name]
for block_name in block_names:
    bowl_name = block_name.replace('block', 'bowl')
    if is_obj_visible(bowl_name):
        put_first_on_second(block_name, bowl_name)
""",
    "block-corner-by-bowl": """
# {instruction}.
corner_names = ['top left corner', 'top right corner', 'bottom left corner', 'bottom right corner']
bowl_pos = get_obj_pos('{bowl}')
dists = [np.linalg.norm(get_obj_pos(name) - bowl_pos) for name in corner_names]
pick = np.argmin(dists) if '{relation}' == 'closest' else np.argmax(dists)
put_first_on_second('{block}', corner_names[pick])
""",
    "block-offset-bowl": """
# {instruction}.
offsets = dict(left=[-1, 0], right=[1, 0], top=[0, 1], bottom=[0, -1])
target_pos = get_obj_pos('{bowl}') + np.array(offsets['{direction}']) * {distance}
put_first_on_second('{block}', target_pos)
""",
    "blocks-in-bowl": """
# {instruction}.
block_names = [name for name in get_obj_names() if 'block' in name]
bowl_pos = get_obj_pos('{bowl}')
offsets = [[-0.024, -0.02], [0.024, -0.02], [0.0, 0.026]]
for block_name, offset in zip(block_names, offsets):
    put_first_on_second(block_name, bowl_pos + np.array(offset))
""",
}


def cap_program(episode: Episode) -> str:
    return CAP_PROGRAMS[episode.family].format(instruction=episode.instruction, **episode.variables)


@pytest.mark.parametrize("family", sorted(CAP_PROGRAMS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cap_style_program_solves_its_scenario(family: str, seed: int) -> None:
    episode = sample_episode(get_scenario(family), seed)
    feedback = run_program(
        episode, cap_program(episode), make_world("kinematic"), registry=get_profile("cap")
    )
    assert feedback.success, feedback.to_text()


def test_cap_profile_through_the_cli_with_a_model_server(tmp_path: object) -> None:
    episode = sample_episode(get_scenario("blocks-matching-bowls"), 4)
    answer = "```python\n" + cap_program(episode).strip() + "\n```"
    with ScriptedServer(lambda messages: answer) as server:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "codepolicy",
                "run",
                "blocks-matching-bowls",
                "--seed",
                "4",
                "--planner",
                "llm",
                "--model",
                "scripted",
                "--base-url",
                server.base_url,
                "--profile",
                "cap",
                "--prompt",
                "cap",
                "--backend",
                "kinematic",
                "--json",
                "--no-cache",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        prompts = [r.body["messages"] for r in server.chat_requests()]
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["success"] and data["llm_calls"] == 1 and data["tokens_in"] > 0
    assert data["rounds"][0]["program"].startswith("# ")
    system = prompts[0][0]["content"]
    assert "put_first_on_second" in system and "grasp(" not in system
