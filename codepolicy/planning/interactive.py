"""An interactive session: instruction after instruction on one scene, as in CaP's demo.

A person types an instruction (the model writes the program) or gives a program file; each program
runs on the world as the last one left it, with the variables and functions of the earlier ones
(:class:`~codepolicy.runner.state.ProgramState`). The command-line loop (``codepolicy session``)
only reads input and prints; everything else happens here.

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> from codepolicy.primitives.profiles import get_profile
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=0)
    >>> session = InstructionSession(episode, KinematicBackend(), get_profile("cap"))
    >>> turn = session.run_program(f"picked = {episode.variables['block']!r}")
    >>> turn = session.run_program(f"put_first_on_second(picked, {episode.variables['target']!r})")
    >>> turn.feedback.success, len(session.turns)
    (True, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from codepolicy.envs.backend import Backend
from codepolicy.envs.roles import as_world
from codepolicy.feedback.model import Feedback
from codepolicy.feedback.scene import describe_scene
from codepolicy.llm.base import Model
from codepolicy.planning.lmp import ModelHelp
from codepolicy.planning.writer import Draft, ProgramWriter
from codepolicy.primitives.registry import Registry
from codepolicy.runner.episode import run_program
from codepolicy.runner.state import ProgramState
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.sampler import Episode


class NoModel(ValueError):
    """An instruction was given but no model is configured to write its program."""


@dataclass
class Turn:
    """One instruction or program of a session and what came of it.

    Attributes:
        instruction: What the person typed (or the program file's name).
        program: The program that ran ("" when the model gave none).
        feedback: Its feedback; the scene judged against the episode's task.
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
        episode: The scene (reset once, at the first turn) and the task the scene is judged by.
        world: The backend.
        registry: The profile programs use.
        model: Writes programs for instructions and serves helper LMPs; None for programs only.
        prompt: Prompt variant for instructions.
        on_event: Called after each primitive call.
    """

    episode: Episode
    world: Backend
    registry: Registry
    model: Model | None = None
    prompt: str = "cap"
    on_event: Callable[[CallEvent], None] | None = None
    state: ProgramState = field(default_factory=ProgramState)
    turns: list[Turn] = field(default_factory=list)

    def run_program(self, program: str, label: str = "program") -> Turn:
        """Run ``program`` on the world as it is (reset before the first turn)."""
        feedback = run_program(
            self.episode,
            program,
            as_world(self.world),
            registry=self.registry,
            on_event=self.on_event,
            reset=not self.turns,
            helpers=ModelHelp(self.model) if self.model is not None else None,
            state=self.state,
        )
        turn = Turn(label, program, feedback)
        self.turns.append(turn)
        return turn

    def instruct(self, instruction: str) -> Turn:
        """Have the model write a program for ``instruction`` and run it.

        Raises:
            NoModel: no model is configured.
        """
        if self.model is None:
            raise NoModel(
                "typing an instruction needs a model (--model NAME); or run a program file"
            )
        scene = describe_scene(self.world.observe()) if self.turns else self._initial_scene()
        writer = ProgramWriter(model=self.model, registry=self.registry, prompt=self.prompt)
        draft = writer.write(instruction, scene)
        if draft.program is None:
            turn = Turn(instruction, "", None, draft)
            self.turns.append(turn)
            return turn
        turn = self.run_program(draft.program, instruction)
        turn.draft = draft
        return turn

    def _initial_scene(self) -> list[str]:
        return [f"{o.name} at ({o.x:.2f}, {o.y:.2f})" for o in self.episode.objects]
