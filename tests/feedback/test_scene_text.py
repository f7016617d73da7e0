"""Scene descriptions and change lists are exact, deterministic and readable."""

from __future__ import annotations

from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import ObjectSpawn, World
from codepolicy.feedback.scene import describe_changes, describe_scene, support_of
from codepolicy.primitives import default as P
from codepolicy.primitives.context import PrimitiveContext


def test_changes_say_what_moved_where_and_onto_what() -> None:
    backend = KinematicBackend()
    before = backend.reset(
        [
            ObjectSpawn("red block", "block", "red", 0.1, -0.5),
            ObjectSpawn("blue block", "block", "blue", -0.1, -0.4),
            ObjectSpawn("green bowl", "bowl", "green", 0.0, -0.65),
        ]
    )
    ctx = PrimitiveContext.for_world(World.of(backend))
    P.pick_and_place(ctx, "red block", "blue block")
    after = backend.observe()
    changes = describe_changes(before, after)
    assert changes == [
        "red block moved 22.4 cm from (0.10, -0.50) on the table to (-0.10, -0.40) "
        "on the blue block"
    ]
    assert support_of(after, "red block") == "on the blue block"
    assert describe_changes(after, after) == ["nothing moved"]
    assert describe_scene(after)[0] == "red block at (-0.10, -0.40) on the blue block"
