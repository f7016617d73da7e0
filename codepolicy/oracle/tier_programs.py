"""Reference programs per API tier, so each tier's upper bound is its own oracle's success.

The families' reference programs (:mod:`codepolicy.oracle.planner`) decide *what* to move from
perception and act only through ``pick_and_place``. That is already a ``macro``-tier program, and a
``primitive``-tier one. For the ``low`` tier, the program defines its own ``pick_and_place`` from TCP
moves and the gripper (``tiers/low_pick_and_place.py``) and then runs the family's program unchanged:
approach, descent, closing, lifting and release heights are the program's work, not the API's.

Example:
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> program = tier_program(sample_episode(get_scenario("pick-place-seen"), 0), "low")
    >>> "def pick_and_place(obj, target):" in program
    True
"""

from __future__ import annotations

from importlib import resources

from codepolicy.oracle.planner import OracleError, oracle_program
from codepolicy.primitives.tiers import TIERS
from codepolicy.scenario.sampler import Episode

HELPERS = {"low": "low_pick_and_place.py"}
"""Tier -> the file of helper definitions its reference programs start with."""
CALLS_PER_ACTION = {"macro": 1, "primitive": 1, "low": 14}
"""Primitive calls one pick-and-place costs in each tier. A scenario's call budget is written for
the macro/primitive tiers; :func:`tier_episode` scales it by this for the others."""


def tier_episode(episode: Episode, tier: str) -> Episode:
    """``episode`` with its call budget scaled for ``tier`` (the low tier needs ~14 calls where
    the others need one), the simulated-time budget unchanged."""
    factor = CALLS_PER_ACTION.get(tier, 1)
    if factor == 1:
        return episode
    budget = episode.budget.model_copy(update={"max_calls": episode.budget.max_calls * factor})
    return episode.model_copy(update={"budget": budget})


def tier_program(episode: Episode, tier: str) -> str:
    """The reference program for ``episode`` written against the API tier ``tier``.

    Raises:
        OracleError: unknown tier (naming the known ones) or no reference program for the family.
    """
    if tier not in TIERS:
        raise OracleError(f"unknown API tier '{tier}'; known tiers: {', '.join(TIERS)}")
    program = oracle_program(episode)
    helper = HELPERS.get(tier)
    if helper is None:
        return program
    source = resources.files("codepolicy.oracle").joinpath("tiers").joinpath(helper)
    header, _, body = program.partition("\n")
    return f"{header}\n{source.read_text(encoding='utf-8')}{body}"
