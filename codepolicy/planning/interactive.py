"""An interactive session: instruction after instruction on one scene, as in CaP's demo.

A person types an instruction (the model writes the program) or gives a program file; each program
runs on the world as the last one left it, with the variables and functions of the earlier ones
(:class:`~codepolicy.runner.state.ProgramState`). The command-line loop (``codepolicy session``)
only reads input and prints; everything else happens here.

Example:
    >>> from codepolicy.envs.backend import make_world
    >>> from codepolicy.primitives.profiles import get_profile
    >>> from codepolicy.runner.executor import Executor
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=0)
    >>> session = InstructionSession(episode, make_world("kinematic"),
    ...                              Executor(registry=get_profile("cap")))
    >>> turn = session.run_program(f"picked = {episode.variables['block']!r}")
    >>> turn = session.run_program(f"put_first_on_second(picked, {episode.variables['target']!r})")
    >>> turn.feedback.success, len(session.turns)
    (True, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codepolicy.envs.roles import World
from codepolicy.feedback.image import camera_image
from codepolicy.feedback.model import Feedback
from codepolicy.planning.writer import Draft, ProgramWriter
from codepolicy.runner.executor import Executor
from codepolicy.runner.state import ProgramState
from codepolicy.scenario.sampler import Episode


class NoModel(ValueError):
    """An instruction was given but no model is configured to write its program."""


@dataclass
class Turn:
    """One instruction or program of a session and what came of it.

    Attributes:
        instruction: What the person typed (or the program file's name).
        program: The program that ran ("" when the model gave none).
        feedback: Its feedback (the scene judged against the episode's task), or None when the
            model's answer held no program.
        draft: The model request, when the model wrote the program.
    """

    instruction: str
    program: str
    feedback: Feedback | None
    draft: Draft | None = None


@dataclass
class InstructionSession:
    """Programs and instructions, one after another, on one world and in one namespace.

    Args:
        episode: The scene (reset once, before the first turn) and the task it is judged by.
        world: The world.
        executor: Runs the programs (profile, perception, hooks; its ``model`` serves helper LMPs).
        writer: Writes programs for instructions; None for programs only.
        feedback_image: Send the camera frame with each instruction after the first turn (what
            the last program left, ``--feedback-image``; models that take images).
    """

    episode: Episode
    world: World
    executor: Executor
    writer: ProgramWriter | None = None
    feedback_image: bool = False
    state: ProgramState = field(default_factory=ProgramState)
    turns: list[Turn] = field(default_factory=list)
    _ready: bool = False

    def scene(self) -> list[str]:
        """The scene as perception sees it now (reset to the episode before the first turn)."""
        if not self._ready:
            self._ready = True
            return self.executor.reset(self.episode, self.world)
        return self.executor.scene_lines(self.world, self.episode.seed)

    def run_program(self, program: str, label: str = "program") -> Turn:
        """Run ``program`` on the world as it is."""
        if not self._ready:
            self.scene()
        feedback = self.executor.execute(
            self.episode, program, self.world, reset=False, state=self.state
        )
        turn = Turn(label, program, feedback)
        self.turns.append(turn)
        return turn

    def instruct(self, instruction: str) -> Turn:
        """Have the model write a program for ``instruction`` and run it.

        Raises:
            NoModel: no model is configured.
        """
        if self.writer is None:
            raise NoModel("typing an instruction needs a model (--model NAME); or ':run FILE'")
        scene = self.scene()
        image = camera_image(self.world) if self.feedback_image and self.turns else None
        draft = self.writer.write(instruction, scene, images=(image,) if image else ())
        if draft.program is None:
            turn = Turn(instruction, "", None, draft)
            self.turns.append(turn)
            return turn
        turn = self.run_program(draft.program, instruction)
        turn.draft = draft
        return turn

    @property
    def achieved(self) -> bool:
        """Whether the episode's task holds after the last turn."""
        last = next((t.feedback for t in reversed(self.turns) if t.feedback is not None), None)
        return last is not None and last.success
