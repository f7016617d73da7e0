"""Outcome agreement between the kinematic and the physics world, shared by the benchmark and tests.

A *wrong program* is a data file in ``benchmarks/wrong_programs/``: a deliberately wrong or clumsy
program for one scenario, with a header naming the scenario, what is wrong, and the episode variables
it reads (bound as assignments before it runs, like the oracle programs)::

    # scenario: stack-blocks-seen
    # wrong: stacks two blocks, then grasps the bottom one to move the stack
    # uses: location
    ...program...

Two worlds agree on an episode when the program's feedback has the same ``success`` and the same
``status`` on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from codepolicy.envs.backend import Backend
from codepolicy.feedback.model import Feedback
from codepolicy.runner.episode import run_episode
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.errors import UnknownScenarioError
from codepolicy.scenario.sampler import Episode, sample_episode

WRONG_PROGRAMS = Path(__file__).with_name("wrong_programs")
HEADER = ("scenario", "wrong", "uses")


class WrongProgramError(ValueError):
    """A wrong-program file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class WrongProgram:
    """One deliberately wrong program and the scenario it is meant for."""

    name: str
    scenario: str
    wrong: str
    uses: tuple[str, ...]
    body: str

    @property
    def family(self) -> str:
        """The scenario family (the scenario name without its split)."""
        return self.scenario.removesuffix("-seen").removesuffix("-unseen")

    def bind(self, episode: Episode) -> str:
        """The program with the episode variables it uses assigned first."""
        lines = [f"# {episode.instruction}"]
        for name in self.uses:
            if name not in episode.variables:
                raise WrongProgramError(
                    f"{self.name}: uses variable '{name}', which scenario '{self.scenario}' does not "
                    f"define (it defines: {', '.join(sorted(episode.variables)) or 'none'})"
                )
            lines.append(f"{name} = {episode.variables[name]!r}")
        return "\n".join(lines) + "\n" + self.body


def parse_wrong_program(path: Path) -> WrongProgram:
    """Read one wrong-program file.

    Raises:
        WrongProgramError: a header line is missing or malformed, or the scenario is unknown.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    fields: dict[str, str] = {}
    for number, key in enumerate(HEADER, start=1):
        line = lines[number - 1] if len(lines) >= number else ""
        prefix = f"# {key}:"
        if not line.startswith(prefix):
            raise WrongProgramError(
                f"{path}:{number}: expected a '{prefix} ...' line, found {line!r}"
            )
        fields[key] = line.removeprefix(prefix).strip()
    for key in ("scenario", "wrong"):
        if not fields[key]:
            raise WrongProgramError(f"{path}:{HEADER.index(key) + 1}: '{key}' is empty")
    try:
        get_scenario(fields["scenario"])
    except UnknownScenarioError as error:
        raise WrongProgramError(f"{path}:1: {error}") from None
    uses = tuple(v.strip() for v in fields["uses"].split(",") if v.strip())
    body = "\n".join(lines[len(HEADER) :]) + "\n"
    if not body.strip():
        raise WrongProgramError(f"{path}:{len(HEADER) + 1}: the program is empty")
    return WrongProgram(path.stem, fields["scenario"], fields["wrong"], uses, body)


def load_wrong_programs(directory: Path = WRONG_PROGRAMS) -> list[WrongProgram]:
    """Every wrong program in ``directory``, sorted by name."""
    return [parse_wrong_program(p) for p in sorted(directory.glob("*.py"))]


@dataclass(frozen=True)
class Outcome:
    """What one world made of one episode."""

    success: bool
    status: str
    error: str

    @classmethod
    def of(cls, feedback: Feedback) -> Outcome:
        """The outcome recorded in a feedback."""
        error = f"{feedback.error.type}: {feedback.error.message}" if feedback.error else ""
        return cls(feedback.success, feedback.status.value, error)

    def short(self) -> str:
        """``success/status`` plus the error type, for one line of a report."""
        kind = f" ({self.error.split(':')[0]})" if self.error else ""
        return f"{'ok' if self.success else 'fail'}/{self.status}{kind}"


@dataclass(frozen=True)
class Comparison:
    """One episode run on several worlds."""

    label: str
    family: str
    outcomes: Mapping[str, Outcome]
    feedback: Mapping[str, Feedback]

    @property
    def success_agrees(self) -> bool:
        """Whether every world judged the task the same."""
        return len({o.success for o in self.outcomes.values()}) == 1

    @property
    def agrees(self) -> bool:
        """Whether every world gave the same success and the same status."""
        return len({(o.success, o.status) for o in self.outcomes.values()}) == 1

    def describe(self) -> str:
        """One line: the label and each world's outcome."""
        parts = ", ".join(f"{kind} {o.short()}" for kind, o in self.outcomes.items())
        return f"{self.label}: {parts}"


def compare(
    label: str, family: str, episode: Episode, program: str, worlds: Mapping[str, Backend]
) -> Comparison:
    """Run ``program`` on ``episode`` in every world and collect the outcomes."""
    feedback = {kind: run_episode(episode, program, backend=w) for kind, w in worlds.items()}
    outcomes = {kind: Outcome.of(fb) for kind, fb in feedback.items()}
    return Comparison(label, family, outcomes, feedback)


def wrong_program_cases(
    programs: Iterable[WrongProgram], seeds: Iterable[int]
) -> list[tuple[str, str, Episode, str]]:
    """(label, family, episode, bound program) for every program and seed."""
    cases = []
    for program in programs:
        for seed in seeds:
            episode = sample_episode(get_scenario(program.scenario), seed)
            cases.append(
                (f"{program.name} seed {seed}", program.family, episode, program.bind(episode))
            )
    return cases


@dataclass(frozen=True)
class Tally:
    """Agreement counts over a set of comparisons."""

    total: int
    agree: int
    success_agree: int

    @classmethod
    def of(cls, comparisons: Iterable[Comparison]) -> Tally:
        """Count the comparisons."""
        items = list(comparisons)
        return cls(len(items), sum(c.agrees for c in items), sum(c.success_agrees for c in items))

    @property
    def rate(self) -> float:
        """Fraction agreeing on success and status."""
        return self.agree / self.total if self.total else 1.0
