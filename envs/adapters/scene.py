"""The scene role of an adapter: object poses read from the env's own observation.

These poses are **privileged**: they come from the simulator's state (the observation vector the env
hands a learning agent), not from a camera. :attr:`AdapterScene.perception` says so, and so does
every scene snapshot (``extras["privileged"] = 1.0``), so results obtained this way are not mistaken
for results from perception. The env's own success signal travels with each snapshot as
``extras["env_is_success"]``, side by side with our success predicates.
"""

from __future__ import annotations

import math

from codepolicy.envs.adapters.link import EnvLink
from codepolicy.envs.adapters.transform import make_float_reader
from codepolicy.envs.state import ObjectState, SceneState

HELD_XY = 0.04
"""A block whose centre is this close (xy) to the closed fingers is between them, metres (the
fingers may hold a cube off-centre along their closing axis by up to half their opening)."""


class AdapterScene:
    """Objects and goals of one env, in the tabletop frame.

    Args:
        link: The env connection (shared with the robot).
    """

    perception = "privileged: poses read from the env's observation"
    has_ground_truth = True

    def __init__(self, link: EnvLink) -> None:
        self.link = link
        self._readers = [(obj, make_float_reader(obj.position)) for obj in link.spec.objects]

    def objects(self) -> dict[str, ObjectState]:
        """Every object and goal the spec names, where the env says they are."""
        to_ours = self.link.transform.to_ours
        return {
            obj.name: ObjectState(
                obj.name, obj.kind, obj.color, to_ours(self.link.read(read)), obj.size
            )
            for obj, read in self._readers
        }

    def held(self, objects: dict[str, ObjectState], closed: bool) -> str | None:
        """The block between closed fingers that are not shut on nothing, or None."""
        if not closed or self.link.spec.gripper is None:
            return None
        tcp = self.link.transform.to_ours(self.link.ee_now)
        width = self.link.width_now
        best, best_d = None, HELD_XY
        for obj in objects.values():
            if obj.kind != "block" or width < 0.5 * min(obj.size[0], obj.size[1]):
                continue
            d = math.hypot(obj.position[0] - tcp[0], obj.position[1] - tcp[1])
            if d <= best_d and abs(obj.position[2] - tcp[2]) <= obj.size[2]:
                best, best_d = obj.name, d
        return best

    def observe(self, closed: bool) -> SceneState:
        """A snapshot for primitives and the judge, with the env's own success and the label."""
        objects = self.objects()
        return SceneState(
            objects=objects,
            gripper_position=self.link.transform.to_ours(self.link.ee_now),
            gripper_opening=self.link.width_now,
            held=self.held(objects, closed),
            sim_time=self.link.sim_time,
            extras={
                "env_is_success": float(self.link.env_success()),
                "privileged": 1.0,
            },
        )
