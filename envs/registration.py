"""Registers every shipped scenario as a gymnasium id in the ``codepolicy`` namespace.

``codepolicy/StackBlocks-v0`` is the seen-colour split of ``stack-blocks``; ``StackBlocksUnseen`` the
unseen one. ``codepolicy/CodeAsAction-v0`` takes a whole program as its action (any scenario).
Ids are derived from the scenario file names without parsing them, so importing ``codepolicy.envs``
stays cheap; a test checks they equal the catalog's ids.

Example:
    >>> "codepolicy/StackBlocks-v0" in gym_ids()
    True
"""

from __future__ import annotations

from importlib import resources

import gymnasium as gym

ENTRY_POINT = "codepolicy.gym.tabletop_env:TabletopEnv"
CODE_ENTRY_POINT = "codepolicy.gym.code_env:CodeAsActionEnv"
CODE_ENV_ID = "codepolicy/CodeAsAction-v0"
"""One id for code-as-action; pick the scenario with ``gym.make(CODE_ENV_ID, scenario=...)``."""
MAX_EPISODE_STEPS = 200


def _camel(family: str) -> str:
    return "".join(part.capitalize() for part in family.split("-"))


def gym_ids() -> dict[str, str]:
    """Gymnasium id → scenario name, for every shipped scenario."""
    files = resources.files("codepolicy").joinpath("scenarios").iterdir()
    families = sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))
    ids = {}
    for family in families:
        ids[f"codepolicy/{_camel(family)}-v0"] = f"{family}-seen"
        ids[f"codepolicy/{_camel(family)}Unseen-v0"] = f"{family}-unseen"
    return ids


def register_envs() -> list[str]:
    """Register (once) every scenario id; returns the ids."""
    ids = gym_ids()
    for env_id, scenario in ids.items():
        if env_id not in gym.registry:
            gym.register(
                id=env_id,
                entry_point=ENTRY_POINT,
                kwargs={"scenario": scenario},
                max_episode_steps=MAX_EPISODE_STEPS,
            )
    if CODE_ENV_ID not in gym.registry:
        gym.register(
            id=CODE_ENV_ID, entry_point=CODE_ENTRY_POINT, kwargs={"scenario": "stack-blocks"}
        )
    return [*ids, CODE_ENV_ID]
