"""One episode pipeline — reset, plan, execute, judge, feedback, video — and the Python API.

``codepolicy run``, ``codepolicy bench``, the code-as-action gymnasium env and scripts all go through
:class:`Pipeline`: a world (its robot guarded once), an :class:`~codepolicy.runner.executor.Executor`
(primitive profile, perception kind, hooks) and a planner (``oracle``, ``program``, ``llm`` or a
plugin's). :func:`run_episode` is the one-call entry point, re-exported as
``codepolicy.run_episode``.

Example:
    >>> import codepolicy
    >>> result = codepolicy.run_episode("pick-place", seed=0, backend="kinematic")
    >>> result.success, result.feedback.status.value, result.planner
    (True, 'success', 'oracle')
    >>> codepolicy.run_episode("pick-place", profile="bogus")
    Traceback (most recent call last):
    ...
    codepolicy.errors.ConfigError: unknown profile 'bogus'; choose one of: default, cap, ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from codepolicy.envs.backend import BACKENDS, make_world
from codepolicy.envs.roles import World
from codepolicy.errors import ConfigError
from codepolicy.feedback.model import Feedback
from codepolicy.llm.usage import UsageLog
from codepolicy.planning.planners import PLANNERS, LLMOptions, Planner, PlannerSetup, make_planner
from codepolicy.planning.strategies import Solution
from codepolicy.primitives.perception import PERCEPTION
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.executor import Executor
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.sampler import Episode
from codepolicy.skills.use import load_skills


@dataclass
class RunSettings:
    """How one episode runs. Every field is checked by :meth:`check` before anything starts.

    Attributes:
        planner: ``oracle``, ``program``, ``llm`` or a plugin's planner.
        backend: ``physics``, ``kinematic`` or a plugin's backend.
        profile: Primitive profile programs are vetted against and may call.
        perception: Perception kind of the primitives, prompts and feedback.
        perception_options: Options of that kind (``{"noise_std": 0.01}`` for ``noisy``).
        program: Program source for the ``program`` planner; a list runs several programs one
            after another on one world, in one namespace.
        llm: Model options, for the ``llm`` planner (its ``profile`` follows :attr:`profile`);
            with the ``program`` planner, the model that writes missing functions and serves the
            profile's helper LMPs (Code as Policies).
        backend_options: Options of the backend's factory (``{"gui": True}``).
        limits: Sandbox limits (default: from the episode budget).
        skill_library: Skill library file whose functions the model may call (None: none).
    """

    planner: str = "oracle"
    backend: str = "physics"
    profile: str = "default"
    perception: str = "privileged"
    perception_options: dict[str, Any] = field(default_factory=dict)
    program: str | list[str] | None = None
    llm: LLMOptions | None = None
    backend_options: dict[str, Any] = field(default_factory=dict)
    limits: SandboxLimits | None = None
    skill_library: str | None = None

    def check(self) -> None:
        """Raise :class:`ConfigError` for an unknown name or options that conflict or would be
        ignored."""
        BACKENDS.check(self.backend)
        PLANNERS.check(self.planner)
        get_profile(self.profile)
        PERCEPTION.check(self.perception)
        if self.program is not None and self.planner != "program":
            raise ConfigError(
                f"a program file needs no planner: it cannot run with planner '{self.planner}'"
            )
        if self.planner == "program" and self.program is None:
            raise ConfigError("planner 'program' needs a program (--program FILE)")
        if self.llm is not None and self.planner not in ("llm", "program"):
            raise ConfigError(
                f"model options (--model, --provider, ...) need --planner llm or --program; they "
                f"would be ignored by planner '{self.planner}'"
            )
        if self.planner == "llm":
            if self.llm is None:
                raise ConfigError("--planner llm needs --model NAME")
            replace(self.llm, profile=self.profile).check()
        if self.skill_library is not None:
            load_skills(self.skill_library, get_profile(self.profile), self.profile)


@dataclass
class EpisodeResult:
    """What one episode produced.

    Attributes:
        episode: The sampled episode.
        solution: The final feedback and every round (program, feedback, model requests).
        planner: Name of the planner that produced it.
        usage: Model usage (empty for planners without a model).
        video_frames: Frames written to the video, when one was asked for.
        video: The video file, when one was written.
        skills_available: The skill library's functions the program could call.
        skills_used: Those the final program called (directly or through another skill).
    """

    episode: Episode
    solution: Solution
    planner: str
    usage: UsageLog
    video_frames: int = 0
    video: Path | None = None
    skills_available: list[str] = field(default_factory=list)
    skills_used: list[str] = field(default_factory=list)

    @property
    def feedback(self) -> Feedback:
        """The final feedback."""
        return self.solution.feedback

    @property
    def success(self) -> bool:
        """Whether the task was achieved."""
        return self.solution.feedback.success

    @property
    def program(self) -> str:
        """The program of the last round."""
        return self.solution.program


class Pipeline:
    """Runs episodes with one world, one executor and one planner.

    Args:
        settings: How episodes run (checked here: a bad one raises :class:`ConfigError`).
        world: A world to use (not closed by the pipeline); by default one is made from
            ``settings.backend`` and closed by :meth:`close`.
        on_event: Called with each executed primitive call (live output).
        usage: Where model usage is recorded.
    """

    def __init__(
        self,
        settings: RunSettings,
        *,
        world: World | None = None,
        on_event: Callable[[CallEvent], None] | None = None,
        usage: UsageLog | None = None,
    ) -> None:
        settings.check()
        self.settings = settings
        self.usage = usage if usage is not None else UsageLog()
        registry = get_profile(settings.profile)
        skills = (
            load_skills(settings.skill_library, registry, settings.profile)
            if settings.skill_library
            else None
        )
        self.executor = Executor(
            registry=registry,
            perception=settings.perception,
            perception_options=dict(settings.perception_options),
            limits=settings.limits,
            on_event=[on_event] if on_event is not None else [],
            skills=skills,
        )
        llm = replace(settings.llm, profile=settings.profile) if settings.llm else None
        setup = PlannerSetup(self.executor, self.usage, settings.program, llm)
        self.planner: Planner = make_planner(settings.planner, setup)
        self._owns_world = world is None
        self.world = (
            world if world is not None else make_world(settings.backend, **settings.backend_options)
        )

    def run(
        self,
        episode: Episode,
        *,
        video: str | Path | None = None,
        keep_video: str = "all",
        overlay: bool = True,
    ) -> EpisodeResult:
        """Plan, execute and judge ``episode``; record an MP4 to ``video`` if given.

        Args:
            keep_video: ``"all"`` writes the video whatever the outcome; ``"failures"`` only when
                the task was not achieved (nothing is rendered otherwise).

        Raises:
            ConfigError: the video cannot be written, or the planner's configuration is bad.
        """
        recording = (
            _Video(video, self.world, episode.instruction, overlay) if video is not None else None
        )
        if recording is not None:
            self.executor.before_run.append(recording.start)
            self.executor.on_event.append(recording.on_event)
        solution: Solution | None = None
        try:
            solution = self.planner.solve(episode, self.world)
        finally:
            if recording is not None:
                success = solution is not None and solution.feedback.success
                keep = solution is not None and (keep_video == "all" or not success)
                recording.close(keep, _outcome(solution.feedback if solution is not None else None))
                self.executor.before_run.remove(recording.start)
                self.executor.on_event.remove(recording.on_event)
        assert solution is not None
        kept = recording is not None and recording.kept
        skills = self.executor.skills
        return EpisodeResult(
            episode,
            solution,
            self.planner.name,
            self.usage,
            recording.frames if recording is not None else 0,
            Path(video) if kept and video is not None else None,
            skills.names if skills is not None else [],
            skills.called(solution.program) if skills is not None else [],
        )

    def execute(self, episode: Episode, program: str, *, reset: bool = True) -> Feedback:
        """Run one given program through the pipeline's executor and judge it (the code-as-action
        env's step: the caller is the planner).

        Args:
            reset: Reset the world to the episode first (``False``: continue from the scene).
        """
        return self.executor.execute(episode, program, self.world, reset=reset)

    def close(self) -> None:
        """Close the world if the pipeline made it."""
        if self._owns_world:
            self.world.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Video:
    """An MP4 of an episode, started when its first program starts (after the reset); rendered and
    encoded at the end only if it is kept."""

    def __init__(
        self, path: str | Path, world: World, instruction: str, overlay: bool = True
    ) -> None:
        from codepolicy.runner.video import VideoError, VideoRecorder

        try:
            self.recorder: Any = VideoRecorder(Path(path), instruction=instruction, overlay=overlay)
        except VideoError as exc:
            raise ConfigError(str(exc)) from None
        self.world = world
        self.started = False
        self.kept = False

    @property
    def frames(self) -> int:
        return int(self.recorder.frames)

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.recorder.attach(self.world.scene)

    def on_event(self, event: CallEvent) -> None:
        if self.started:
            self.recorder.step(event)

    def close(self, keep: bool, outcome: str) -> None:
        if not self.started:
            self.start()
        self.recorder.close(keep=keep, outcome=outcome)
        self.kept = keep


def _outcome(feedback: Feedback | None) -> str:
    """The caption of a video's last frame."""
    if feedback is None:
        return "stopped"
    if feedback.success:
        return "success: the task is achieved"
    return f"not achieved ({feedback.status.value})"


def episode_backend(episode: Episode, backend: str) -> str:
    """The backend an episode runs on: its adapter world, or ``backend`` for a tabletop episode
    (an adapter world's env decides the layout, so no tabletop backend can stand in for it)."""
    from codepolicy.runner.episode import world_kind

    return world_kind(episode, backend)


def load_episode(scenario: str, seed: int = 0) -> Episode:
    """Sample the episode ``seed`` of a shipped scenario name or a scenario file.

    Raises:
        ConfigError: a negative seed.
        ScenarioError: unknown scenario or an invalid file (the message names file and field).
    """
    from codepolicy.scenario.catalog import load_scenario
    from codepolicy.scenario.sampler import sample_episode

    if seed < 0:
        raise ConfigError(f"--seed must be a non-negative integer, got {seed}")
    return sample_episode(load_scenario(scenario), seed)


def run_episode(
    scenario: str | Episode,
    seed: int = 0,
    *,
    settings: RunSettings | None = None,
    world: World | None = None,
    on_event: Callable[[CallEvent], None] | None = None,
    video: str | Path | None = None,
    **fields: Any,
) -> EpisodeResult:
    """Run one episode end to end: the Python form of ``codepolicy run``.

    Args:
        scenario: A shipped scenario name, a scenario file, or an already sampled episode.
        seed: Episode seed (ignored for an :class:`Episode`).
        settings: Full settings; or pass their fields as keywords (``backend="kinematic"``,
            ``planner="llm"``, ``llm=LLMOptions(model=...)``, ``profile="cap"``, ...).
        world: Run in this world instead of making one (it is left open).
        on_event: Called with each executed primitive call.
        video: Write an MP4 of the episode here.

    Raises:
        ConfigError: bad settings (unknown names, conflicting options).
        ScenarioError: unknown scenario or an invalid scenario file.
    """
    if settings is not None and fields:
        raise ConfigError("pass either settings or its fields as keywords, not both")
    if settings is None:
        try:
            settings = RunSettings(**fields)
        except TypeError as exc:
            raise ConfigError(f"run_episode(): {exc}") from None
    episode = scenario if isinstance(scenario, Episode) else load_episode(scenario, seed)
    if world is None:
        settings = replace(settings, backend=episode_backend(episode, settings.backend))
    with Pipeline(settings, world=world, on_event=on_event) as pipeline:
        return pipeline.run(episode, video=video)
