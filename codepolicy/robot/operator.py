"""Scene knowledge from the operator: a confirmed scene file and operator-graded success.

A real robot cannot report ground truth. With ``--scene-file`` the person at the robot says what is
on the table (:mod:`codepolicy.robot.scene_file`), confirms it before any motion, and after the run
says whether the task was achieved. This module holds:

- :class:`OperatorScene`, the scene role built from the file (``can_spawn`` and
  ``has_ground_truth`` are false: privileged perception refuses it);
- the ``operator`` perception kind (:func:`operator_kind`, registered in
  :data:`~codepolicy.primitives.perception.PERCEPTION`), which reports the file's objects exactly
  as written — positions as confirmed before the run, not tracked as the robot moves them;
- :func:`confirm_scene` and :func:`ask_grade`, the two questions put to the operator, and
  :func:`graded_feedback`, which records the operator's verdict in the feedback.

Example:
    >>> from codepolicy.robot.scene_file import parse_scene_file
    >>> scene = OperatorScene(parse_scene_file(
    ...     "objects:\\n  - {name: red block, kind: block, colour: red, x: 0.1, y: -0.5}\\n", "t.yaml"),
    ...     "t.yaml")
    >>> scene.can_spawn, scene.has_ground_truth, list(scene.state().objects)
    (False, False, ['red block'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from codepolicy.envs.errors import CannotSpawn, NoGroundTruth
from codepolicy.envs.frame import BLOCK_SIZE, BOWL_DIAMETER, BOWL_HEIGHT
from codepolicy.envs.roles import CameraFrame, ObjectSpawn, World
from codepolicy.envs.state import ObjectState, SceneState, Vec3
from codepolicy.errors import ConfigError
from codepolicy.feedback.model import Feedback, FeedbackStatus
from codepolicy.primitives.perception import DetectedObject, Perception
from codepolicy.robot.scene_file import SceneFile

GRADED_BY_OPERATOR = "graded by operator"
GRADED_BY_PERCEPTION = (
    "graded by perception (no operator answer): judged on the operator's scene file, whose "
    "positions are as confirmed before the run and do not follow the robot's motions"
)

Ask = Callable[[str], str]
"""Shows a prompt and returns the operator's answer line (raises ``EOFError`` when there is none)."""


def _size(kind: str) -> Vec3:
    return (BOWL_DIAMETER, BOWL_DIAMETER, BOWL_HEIGHT) if kind == "bowl" else (BLOCK_SIZE,) * 3


class SceneMismatch(ConfigError):
    """The scenario's episode needs objects the operator's scene file does not list."""


class OperatorScene:
    """The scene role of a real table, as the operator's scene file describes it.

    Args:
        scene: The validated scene file.
        source: Where it came from (the path), for messages and feedback.
    """

    can_spawn = False
    has_ground_truth = False

    def __init__(self, scene: SceneFile, source: str) -> None:
        self.file = scene
        self.source = source

    @property
    def scene_source(self) -> str:
        """Where scene knowledge comes from, in words (shown in feedback)."""
        return f"operator-confirmed scene file {self.source} (no ground truth)"

    def state(self) -> SceneState:
        """The objects as the file lists them, resting on the table."""
        objects = {}
        for o in self.file.objects:
            size = _size(o.kind)
            objects[o.name] = ObjectState(o.name, o.kind, o.colour, (o.x, o.y, size[2] / 2), size)
        return SceneState(objects=objects)

    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Verify that the file lists every object of the layout (a real table cannot spawn).

        Raises:
            SceneMismatch: naming the objects the file lacks or lists with another kind/colour.
        """
        listed = {o.name: o for o in self.file.objects}
        wrong = []
        for spawn in objects:
            have = listed.get(spawn.name)
            if have is None:
                wrong.append(f"'{spawn.name}' is not listed")
            elif (have.kind, have.colour) != (spawn.kind, spawn.color):
                wrong.append(
                    f"'{spawn.name}' is listed as a {have.colour} {have.kind}, "
                    f"the task needs a {spawn.color} {spawn.kind}"
                )
        if wrong:
            raise SceneMismatch(
                f"the scene file {self.source} does not match the task: {'; '.join(wrong)}"
            )
        return self.state()

    def observe(self) -> SceneState:
        """Always refused: an operator's table has no ground truth."""
        raise NoGroundTruth(f"the scene from {self.source} has no ground truth")

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """Always refused: the operator's scene has no camera."""
        raise CannotSpawn(f"the scene from {self.source} has no camera to render")

    def describe(self) -> str:
        """The scene as shown to the operator for confirmation, one object a line."""
        lines = [f"Scene from {self.source} ({len(self.file.objects)} objects):"]
        lines += [
            f"  {o.name} ({o.colour} {o.kind}) at x={o.x:+.3f} m, y={o.y:+.3f} m"
            for o in self.file.objects
        ]
        return "\n".join(lines)


class OperatorPerception:
    """Detections straight from the operator's scene file (confidence 1: the operator said so)."""

    def __init__(self, scene: OperatorScene) -> None:
        self._scene = scene

    def detect(self) -> list[DetectedObject]:
        """Every object the file lists, in file order."""
        return [
            DetectedObject(o.name, o.kind, o.color, o.position, o.size)
            for o in self._scene.state().objects.values()
        ]


def operator_kind(world: World, *, seed: int = 0, **options: Any) -> Perception:
    """Perception kind ``operator``: the objects of an operator-confirmed scene file (--scene-file)."""
    if options:
        raise ConfigError(f"perception 'operator' takes no options, got: {', '.join(options)}")
    if not isinstance(world.scene, OperatorScene):
        raise ConfigError(
            "perception 'operator' reads an operator's scene file: give --scene-file FILE"
        )
    return OperatorPerception(world.scene)


def confirm_scene(scene: OperatorScene, ask: Ask, say: Callable[[str], None]) -> bool:
    """Show the scene and ask the operator to confirm it; only an explicit yes confirms."""
    say(scene.describe())
    try:
        answer = ask("Is this what is on the table? [y/n] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


@dataclass(frozen=True)
class Grade:
    """The operator's verdict on a run."""

    achieved: bool
    note: str


def ask_grade(ask: Ask) -> Grade | None:
    """Ask "Was the task achieved?" (until y or n) and a note; ``None`` when no answer comes."""
    try:
        for _ in range(3):
            answer = ask("Was the task achieved? [y/n] ").strip().lower()
            if answer in ("y", "yes", "n", "no"):
                try:
                    note = ask("Note (optional): ").strip()
                except EOFError:
                    note = ""
                return Grade(answer.startswith("y"), note[:2000])
    except EOFError:
        return None
    return None


def graded_feedback(feedback: Feedback, grade: Grade) -> Feedback:
    """``feedback`` with the operator's verdict as its success (the program's status stays when
    it did not complete)."""
    if feedback.status in (FeedbackStatus.success, FeedbackStatus.failed):
        status = FeedbackStatus.success if grade.achieved else FeedbackStatus.failed
    else:
        status = feedback.status
    verdict = "achieved" if grade.achieved else "not achieved"
    note = f": {grade.note}" if grade.note else ""
    success = grade.achieved and status is FeedbackStatus.success
    return feedback.model_copy(
        update={
            "success": success,
            "status": status,
            "reward": 1.0 if success else 0.0,
            "explanation": f"{GRADED_BY_OPERATOR}: {verdict}{note}",
        }
    )
