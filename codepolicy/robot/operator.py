"""Scene knowledge from the operator: a confirmed scene file and operator-graded success.

A real robot cannot report ground truth. With ``--scene-file`` the person at the robot says what is
on the table (:mod:`codepolicy.robot.scene_file`), confirms it before any motion, and after the run
says whether the task was achieved. This module holds:

- :class:`OperatorScene`, the scene role built from the file (``can_spawn`` and
  ``has_ground_truth`` are false: privileged perception refuses it);
- the ``operator`` perception kind (:func:`operator_kind`, registered through our
  ``codepolicy.perception`` entry point), which reports the file's objects as confirmed before the
  run and then as updated by the robot's own moves (:mod:`codepolicy.robot.tracking`: an object
  the gripper closed on travels with it and comes to rest where it was released);
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
from codepolicy.robot.scene_file import SceneFile, placements
from codepolicy.robot.tracking import Belief

GRADED_BY_OPERATOR = "graded by operator"
GRADED_BY_PERCEPTION = (
    "graded by perception (no operator answer): judged on the operator's scene as updated by "
    "the robot's own moves (confirmed before the run, then each object the gripper closed on "
    "placed where it was released; nothing is measured)"
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
        self.belief = Belief(self.confirmed())

    @property
    def scene_source(self) -> str:
        """Where scene knowledge comes from, in words (shown in feedback)."""
        return (
            f"operator-confirmed scene file {self.source}, updated by the robot's own moves "
            "(no ground truth)"
        )

    def confirmed(self) -> dict[str, ObjectState]:
        """The objects as the file places them (stacks on their supports), supports first."""
        return {
            p.name: ObjectState(p.name, p.kind, p.colour, (p.x, p.y, p.z), _size(p.kind))
            for p in placements(self.file)
        }

    def state(self) -> SceneState:
        """The objects where they are believed to be: as confirmed, then moved by the robot."""
        return SceneState(objects=dict(self.belief.objects), held=self.belief.held)

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
        self.belief.restart(self.confirmed())
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
        kinds = {o.name: o.kind for o in self.file.objects}
        for p in placements(self.file):
            where = f"at x={p.x:+.3f} m, y={p.y:+.3f} m"
            if p.on is not None:
                where += f", {'in' if kinds[p.on] == 'bowl' else 'on'} the {p.on}"
            lines.append(f"  {p.name} ({p.colour} {p.kind}) {where}")
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
