"""The camera frame of visual feedback: one perception camera's render at the end of a round, as PNG.

With ``--feedback-image`` the feedback message of a replanning round carries this frame for models
that take images (:mod:`codepolicy.llm.images`). It is rendered from the first perception camera
(:data:`codepolicy.envs.camera.PERCEPTION_CAMERAS`, front left, looking at the workspace) of a
world that renders them (the physics backend); other worlds give their scene role's own image
(the kinematic backend's top-down drawing), and a world with no camera gives None.

Example:
    >>> from codepolicy.envs.backend import make_world
    >>> from codepolicy.envs.roles import ObjectSpawn
    >>> world = make_world("kinematic")
    >>> _ = world.scene.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.5)])
    >>> image = camera_image(world)
    >>> (image.width, image.height, image.png[:4])
    (320, 240, b'\\x89PNG')
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from codepolicy.envs.camera import PERCEPTION_CAMERAS
from codepolicy.llm.base import ImagePart
from codepolicy.primitives.perception_kinds import rendering_world

FEEDBACK_IMAGE_SIZE = (320, 240)
"""Width and height of the feedback image, pixels: small, so a model's prompt stays short."""


def png_image(rgb: np.ndarray) -> ImagePart:
    """An RGB uint8 image (H x W x 3) as an :class:`ImagePart` holding its PNG bytes."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("the camera frame could not be encoded as PNG")
    height, width = rgb.shape[:2]
    return ImagePart(encoded.tobytes(), int(width), int(height))


def camera_image(world: Any, size: tuple[int, int] = FEEDBACK_IMAGE_SIZE) -> ImagePart | None:
    """The world as its first perception camera sees it now, as PNG, or None without a camera.

    Args:
        world: A world (its scene role is looked through) or a backend.
        size: Width and height, pixels.
    """
    width, height = size
    renderer = rendering_world(world)
    if renderer is not None:
        frame = renderer.render_camera(PERCEPTION_CAMERAS[0], width, height)
        return png_image(frame.rgb)
    render = getattr(getattr(world, "scene", world), "render", None)
    if not callable(render):
        return None
    try:
        frame = render(width, height)
    except (NotImplementedError, RuntimeError):
        return None
    return png_image(np.asarray(frame.rgb, dtype=np.uint8)) if frame is not None else None
