"""API tiers as primitive profiles: ``macro``, ``primitive`` (= ``default``) and ``low``.

How much help a program gets from its API is one axis of the benchmark grid. Every tier has the same
perception queries (``perceive``, ``get_object_names``, ``get_object_position``, ``get_location``,
``holding``, ``say``); they differ in how the robot is driven:

* ``macro``: only whole pick-and-place actions (``pick_and_place``).
* ``primitive``: today's default API (``grasp``, ``place``, ``move_to``, the gripper, ...).
* ``low``: TCP moves and the gripper alone (``move_to``, ``open_gripper``, ``close_gripper``,
  ``get_gripper_position``): the program must approach, descend, close and lift itself.

Example:
    >>> "grasp" in LOW, "move_to" in LOW, "pick_and_place" in MACRO, "move_to" in MACRO
    (False, True, True, False)
"""

from __future__ import annotations

from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry

QUERIES = ("perceive", "get_object_names", "get_object_position", "get_location", "holding", "say")
"""What every tier may ask about the scene."""

MACRO: Registry = DEFAULT.select([*QUERIES, "pick_and_place"])
"""The macro tier: whole pick-and-place actions."""
PRIMITIVE: Registry = DEFAULT
"""The primitive tier: the default API."""
LOW: Registry = DEFAULT.select(
    [*QUERIES, "move_to", "open_gripper", "close_gripper", "get_gripper_position"]
)
"""The low tier: TCP moves and the gripper only."""

TIERS: dict[str, Registry] = {"macro": MACRO, "primitive": PRIMITIVE, "low": LOW}
"""Tier name -> its primitives, from most to least help."""
