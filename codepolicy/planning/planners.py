"""The planner seam: ``Planner.solve(episode, world) -> Solution``, and the shipped planners.

A planner decides which programs run for an episode; the pipeline's
:class:`~codepolicy.runner.executor.Executor` runs them (profile, perception, hooks), so every
planner meets the world the same way. Planners register by name in :data:`PLANNERS` (and from the
``codepolicy.planners`` entry-point group) as factories ``factory(setup) -> Planner`` taking a
:class:`PlannerSetup`:

- ``oracle``: the scenario's reference program.
- ``program``: a program the user wrote (``--program FILE``).
- ``llm``: programs written by a model, replanned with a strategy (:class:`~codepolicy.planning.
  strategies.Solver`), configured by :class:`LLMOptions`.

Example:
    >>> from codepolicy.envs.backend import make_world
    >>> from codepolicy.scenario.catalog import get_scenario
    >>> from codepolicy.scenario.sampler import sample_episode
    >>> planner = make_planner("oracle", PlannerSetup(Executor()))
    >>> solution = planner.solve(sample_episode(get_scenario("pick-place"), 0), make_world("kinematic"))
    >>> solution.feedback.success, solution.rounds[0].kind
    (True, 'program')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from codepolicy.envs.roles import World
from codepolicy.errors import ConfigError
from codepolicy.feedback.levels import DEFAULT_FEEDBACK_LEVEL, FEEDBACK_LEVELS
from codepolicy.llm.base import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S
from codepolicy.llm.usage import TrackedModel, UsageLog
from codepolicy.planning.lmp import ModelHelp
from codepolicy.planning.strategies import REFINE_FROM, STRATEGIES, Round, Solution, Solver
from codepolicy.planning.writer import ProgramWriter
from codepolicy.registry import Registry
from codepolicy.runner.executor import Executor
from codepolicy.runner.state import ProgramState
from codepolicy.scenario.sampler import Episode


@runtime_checkable
class Planner(Protocol):
    """Decides the programs of an episode and runs them through its executor."""

    name: str

    def solve(self, episode: Episode, world: World) -> Solution:
        """Reset ``world`` to ``episode``, run programs, return the final feedback and every round."""
        ...


@dataclass
class LLMOptions:
    """Everything that configures model-written programs (``--model``, ``--provider``, ...)."""

    model: str
    provider: str = "openai"
    base_url: str | None = None
    prompt: str = "zero-shot"
    profile: str = "default"
    replan: str = "none"
    max_rounds: int = 3
    n: int = 4
    temperature: float = 0.0
    refine_from: str = "current"
    helper_depth: int = 2
    cache: bool = True
    replay_file: Path | None = None
    record_file: Path | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    max_tokens: int = DEFAULT_MAX_TOKENS
    model_path: Path | None = None
    show_progress: bool = False
    feedback: str = DEFAULT_FEEDBACK_LEVEL
    """How much the model is told after a failed round (``--feedback``)."""
    feedback_image: bool = False
    """Attach the camera frame to each feedback message (``--feedback-image``; models that take
    images)."""

    def check(self) -> None:
        """Raise :class:`ConfigError` naming the option if any value is invalid."""
        from codepolicy.llm import PROVIDERS
        from codepolicy.primitives.profiles import PROFILES
        from codepolicy.prompts.render import shipped_variants

        if not self.model:
            raise ConfigError("the llm planner needs a model name (--model NAME)")
        PROVIDERS.check(self.provider)
        PROFILES.check(self.profile)
        STRATEGIES.check(self.replan)
        if self.refine_from not in REFINE_FROM:
            raise ConfigError(
                f"--refine-from must be 'current' or 'reset', not '{self.refine_from}'"
            )
        if self.prompt not in shipped_variants() and not Path(self.prompt).is_file():
            raise ConfigError(
                f"--prompt '{self.prompt}' is neither a shipped variant "
                f"({', '.join(shipped_variants())}) nor an existing template file"
            )
        if self.max_rounds < 1 or self.n < 1:
            raise ConfigError("--max-rounds and --n must be at least 1")
        if not 0.0 <= self.temperature <= 2.0:
            raise ConfigError(f"--temperature must be in [0, 2], got {self.temperature}")
        if self.feedback not in FEEDBACK_LEVELS:
            raise ConfigError(
                f"unknown --feedback '{self.feedback}'; choose one of: {', '.join(FEEDBACK_LEVELS)}"
            )
        if self.timeout <= 0:
            raise ConfigError(
                f"--timeout must be a positive number of seconds, got {self.timeout:g}"
            )
        if self.max_tokens < 1:
            raise ConfigError(f"--max-tokens must be at least 1, got {self.max_tokens}")
        if self.provider == "llama-cpp" and self.model_path is None:
            raise ConfigError(
                "--provider llama-cpp needs --model-path FILE.gguf (scripts/local-model prints one)"
            )
        if self.model_path is not None and not Path(self.model_path).is_file():
            raise ConfigError(f"--model-path {self.model_path}: no such file")
        if self.provider == "replay" and self.replay_file is None:
            raise ConfigError(
                "--provider replay needs --replay-file FILE (a recording made with --record)"
            )


@dataclass
class PlannerSetup:
    """What a planner factory gets.

    Attributes:
        executor: Runs the planner's programs.
        usage: Where model usage is recorded.
        program: Source of the ``program`` planner (several: run one after another).
        llm: Options of the ``llm`` planner; with the ``program`` planner, the model that writes
            missing functions and serves helper LMPs.
    """

    executor: Executor
    usage: UsageLog = field(default_factory=UsageLog)
    program: str | Sequence[str] | None = None
    llm: LLMOptions | None = None


PlannerFactory = Callable[[PlannerSetup], Planner]
PLANNERS: Registry[PlannerFactory] = Registry("planner", group="codepolicy.planners")
"""Planners by name; third-party ones load from the ``codepolicy.planners`` group."""


@dataclass
class ProgramPlanner:
    """Runs fixed programs (files the user wrote, or any source): one, or several one after another
    on the same world and in one namespace (a Code-as-Policies session, see
    :class:`~codepolicy.runner.state.ProgramState`); the scenario is judged after the last."""

    executor: Executor
    source: str | Sequence[str]
    name: str = "program"

    @property
    def sources(self) -> list[str]:
        """The programs, in order."""
        return [self.source] if isinstance(self.source, str) else list(self.source)

    def solve(self, episode: Episode, world: World) -> Solution:
        """Run the programs on a freshly reset world, each from where the previous one left it."""
        state = ProgramState()
        rounds: list[Round] = []
        for index, source in enumerate(self.sources):
            feedback = self.executor.execute(episode, source, world, reset=index == 0, state=state)
            rounds.append(Round(index, "program", source, feedback))
        return Solution(rounds[-1].feedback, rounds)


@dataclass
class OraclePlanner:
    """Runs the scenario's reference program (:mod:`codepolicy.oracle`); under an API tier with
    reference programs of its own (``--profile low``), that tier's program and call budget."""

    executor: Executor
    name: str = "oracle"

    def solve(self, episode: Episode, world: World) -> Solution:
        """Bind and run the reference program of the episode's family.

        Raises:
            ConfigError: the scenario has no reference program, or lacks a variable it uses.
        """
        from codepolicy.oracle import OracleError, oracle_program
        from codepolicy.oracle.tier_programs import HELPERS, tier_episode, tier_program
        from codepolicy.primitives.tiers import TIERS

        registry = self.executor.registry
        tier = next((t for t, r in TIERS.items() if r is registry and t in HELPERS), None)
        try:
            if tier is None:
                source = oracle_program(episode)
            else:  # an API tier with its own reference programs (and call budget)
                episode = tier_episode(episode, tier)
                source = tier_program(episode, tier)
        except OracleError as exc:
            raise ConfigError(str(exc)) from None
        return ProgramPlanner(self.executor, source, self.name).solve(episode, world)


def build_model(options: LLMOptions, usage: UsageLog) -> TrackedModel:
    """The model stack (usage tracking, recording, cache, retries, provider) for ``options``.

    Raises:
        ConfigError: the provider cannot be set up (missing key, SDK or replay file).
    """
    from codepolicy.llm import make_model
    from codepolicy.llm.progress import line_progress
    from codepolicy.llm.retry import ModelError

    try:
        return make_model(
            options.provider,
            options.model,
            options.base_url,
            timeout=options.timeout,
            model_path=options.model_path,
            progress=line_progress() if options.show_progress else None,
            cache=options.cache,
            replay_file=options.replay_file,
            record_file=options.record_file,
            usage=usage,
        )
    except ModelError as exc:
        raise ConfigError(str(exc)) from None


@PLANNERS.register("oracle")
def _oracle(setup: PlannerSetup) -> Planner:
    return OraclePlanner(setup.executor)


@PLANNERS.register("program")
def _program(setup: PlannerSetup) -> Planner:
    if not setup.program:
        raise ConfigError("the program planner needs a program (--program FILE)")
    if setup.llm is not None:
        setup.llm.check()
        setup.executor.helpers = ModelHelp(build_model(setup.llm, setup.usage))
    return ProgramPlanner(setup.executor, setup.program)


@PLANNERS.register("llm")
def _llm(setup: PlannerSetup) -> Planner:
    options = setup.llm
    if options is None:
        raise ConfigError("the llm planner needs a model (--model NAME)")
    options.check()
    model = build_model(options, setup.usage)
    setup.executor.helpers = ModelHelp(model)
    writer = ProgramWriter(
        model=model,
        registry=setup.executor.registry,
        prompt=options.prompt,
        temperature=options.temperature,
        max_tokens=options.max_tokens,
        skills=setup.executor.skills.entries() if setup.executor.skills is not None else [],
    )
    return Solver(
        writer=writer,
        executor=setup.executor,
        strategy=options.replan,
        max_rounds=options.max_rounds,
        n=options.n,
        sample_temperature=options.temperature if options.temperature > 0 else 0.8,
        refine_from=options.refine_from,
        helper_depth=options.helper_depth,
        feedback_level=options.feedback,
        feedback_image=options.feedback_image,
    )


def make_planner(name: str, setup: PlannerSetup) -> Planner:
    """The planner called ``name`` for ``setup``.

    Raises:
        ConfigError: unknown planner (naming the known ones) or a bad configuration.
    """
    return PLANNERS.get(name)(setup)
