"""Running one benchmark episode into a record.

:func:`run_task` runs in whatever process an executor gives it, keeps one world per process and per
backend kind, and never raises: a crash of the simulator, the model transport or the runner becomes
a ``crashed`` record, so one episode never stops a run.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codepolicy.bench.grid import task_settings
from codepolicy.bench.record import (
    EpisodeRecord,
    crash_info,
    episode_fields,
    now_iso,
    round_from_feedback,
)
from codepolicy.bench.tasks import BenchSettings, EpisodeTask
from codepolicy.envs.roles import World
from codepolicy.errors import ConfigError
from codepolicy.feedback.model import Feedback
from codepolicy.llm.usage import UsageLog
from codepolicy.runner.episode import world_kind
from codepolicy.scenario.sampler import Episode

if TYPE_CHECKING:
    from codepolicy.pipeline import RunSettings

_WORLDS: dict[str, World] = {}
"""One world per backend kind in each worker process, reused across episodes."""


def _world(kind: str) -> World:
    from codepolicy.envs.backend import make_world

    if kind not in _WORLDS:
        _WORLDS[kind] = make_world(kind)
    return _WORLDS[kind]


def use_world(kind: str, world: World) -> None:
    """Make ``world`` this process's world of ``kind`` (e.g. the connected remote robot)."""
    _WORLDS[kind] = world


def close_worlds() -> None:
    """Close this process's worlds (executors call it when a worker finishes)."""
    for world in _WORLDS.values():
        world.close()
    _WORLDS.clear()


def _episode(task: EpisodeTask) -> Episode:
    from codepolicy.scenario.catalog import load_scenario
    from codepolicy.scenario.sampler import sample_episode

    if task.source and task.source != task.scenario:
        split = "unseen" if task.scenario.endswith("-unseen") else "seen"
        return sample_episode(load_scenario(task.source, split), task.seed)  # type: ignore[arg-type]
    return sample_episode(load_scenario(task.scenario), task.seed)


def run_settings(task: EpisodeTask, settings: BenchSettings, backend: str) -> RunSettings:
    """The pipeline settings of one benchmark episode on ``backend``.

    Raises:
        ConfigError: the benchmark's settings are invalid (recorded with the message).
    """
    from codepolicy.pipeline import RunSettings
    from codepolicy.planning.planners import LLMOptions

    llm = None
    if settings.planner == "llm" and settings.llm:  # without a model, RunSettings.check says so
        llm = LLMOptions(**{**settings.llm, "prompt": task.prompt or "zero-shot"})
    return RunSettings(
        planner=settings.planner,
        backend=backend,
        profile=settings.profile,
        perception=settings.perception,
        program=settings.program,
        llm=llm,
        skill_library=settings.skill_library,
    )


def run_task(task: EpisodeTask, settings: BenchSettings, llm_gate: Any = None) -> EpisodeRecord:
    """Run one episode into a record; any failure becomes a ``crashed`` record (a configuration
    error keeps its message). A grid task runs with its cell's settings."""
    started, clock = now_iso(), time.perf_counter()
    settings = task_settings(settings, task)
    worker = f"pid{os.getpid()}"
    try:
        episode = _episode(task)
    except Exception as exc:
        return crashed_record(task, settings, exc, worker=worker, started=started, clock=clock)
    try:
        return _run(episode, task, settings, llm_gate, started, clock, worker)
    except Exception as exc:
        if not isinstance(exc, ConfigError) and settings.remote is None:
            _WORLDS.pop(
                world_kind(episode, settings.backend), None
            )  # a crashed world is not reused
        return crashed_record(
            task, settings, exc, worker=worker, started=started, clock=clock, episode=episode
        )


def _video_path(settings: BenchSettings, key: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    return Path(settings.out) / "videos" / f"{safe}.mp4"


def _run(
    episode: Episode,
    task: EpisodeTask,
    settings: BenchSettings,
    llm_gate: Any,
    started: str,
    clock: float,
    worker: str,
) -> EpisodeRecord:
    from codepolicy.pipeline import Pipeline

    kind = world_kind(episode, settings.backend)
    if settings.remote is not None and kind != "remote":
        raise ConfigError(f"scenario '{episode.scenario}' runs in the {kind} world, not on a robot")
    pipeline = Pipeline(run_settings(task, settings, kind), world=_world(kind))
    writer = getattr(pipeline.planner, "writer", None)
    if llm_gate is not None and writer is not None:
        writer.model = _GatedModel(writer.model, llm_gate)
    video = None
    if settings.video != "none":
        video = _video_path(settings, f"{episode.scenario}|{task.seed}|{task.variant}")
    graded: dict[str, Any] = {}
    if settings.remote is not None:
        from codepolicy.robot.bench_remote import run_on_robot

        result, graded = run_on_robot(pipeline, episode, settings.remote)
    else:
        result = pipeline.run(episode, video=video, keep_video=settings.video)
    solution = result.solution
    relative = None
    if result.video is not None:
        relative = str(result.video.relative_to(Path(settings.out)))
    rounds = []
    for i, r in enumerate(solution.rounds):
        first = r.drafts[0] if r.drafts else None
        rounds.append(
            round_from_feedback(
                i,
                r.program,
                r.feedback,
                messages=[{"role": m.role, "content": m.content} for m in first.messages]
                if first
                else None,
                completion=first.completion.text if first else None,
                model=first.completion.model if first else None,
                tokens_in=sum(d.completion.usage.tokens_in for d in r.drafts),
                tokens_out=sum(d.completion.usage.tokens_out for d in r.drafts),
                cache_hit=bool(first and first.completion.cache_hit),
            )
        )
    calls = sum(len(r.feedback.steps) for r in solution.rounds if r.executed)
    record = _record(
        episode,
        task,
        settings,
        solution.feedback,
        rounds,
        result.usage,
        started,
        clock,
        worker,
        relative,
        calls,
        (result.skills_available, result.skills_used),
    )
    return record.model_copy(update=graded) if graded else record


def _record(
    episode: Episode,
    task: EpisodeTask,
    settings: BenchSettings,
    feedback: Feedback,
    rounds: list[Any],
    usage: UsageLog,
    started: str,
    clock: float,
    worker: str,
    video: str | None,
    primitive_calls: int,
    skills: tuple[list[str], list[str]] = ([], []),
) -> EpisodeRecord:
    totals = usage.totals()
    cached = [r for r in usage.records if r.cache_hit]
    llm = settings.llm
    return EpisodeRecord(
        **episode_fields(episode, task.variant),
        grid=dict(task.cell) or None,
        planner=settings.planner,
        model=llm.get("model") if settings.planner == "llm" else None,
        profile=settings.profile,
        replan=max(int(llm.get("max_rounds", 1)) - 1, 0)
        if llm.get("replan", "none") != "none"
        else 0,
        strategy=llm.get("replan", "none") if settings.planner == "llm" else "none",
        backend=world_kind(episode, settings.backend),
        status=feedback.status.value,
        success=feedback.success,
        env_success=feedback.env_success,
        executable=feedback.executable,
        reward=feedback.reward,
        explanation=feedback.explanation,
        rounds=rounds,
        primitive_calls=primitive_calls,
        llm_calls=totals.calls,
        cache_hits=totals.cache_hits,
        tokens_in=totals.tokens_in,
        tokens_out=totals.tokens_out,
        cached_tokens_in=sum(r.tokens_in for r in cached),
        cached_tokens_out=sum(r.tokens_out for r in cached),
        llm_latency_s=totals.latency_s,
        sim_time=feedback.sim_time,
        wall_time=time.perf_counter() - clock,
        video=video,
        started_at=started,
        finished_at=now_iso(),
        worker=worker,
        skills_available=skills[0],
        skills_used=skills[1],
    )


def crashed_record(
    task: EpisodeTask,
    settings: BenchSettings,
    exc: BaseException,
    *,
    worker: str,
    started: str | None = None,
    clock: float | None = None,
    episode: Episode | None = None,
) -> EpisodeRecord:
    """The record of an episode that crashed outside the program (status ``crashed``).

    Args:
        started: When the episode started (ISO time); None when unknown, e.g. the worker died.
        clock: ``time.perf_counter()`` at the start, in this process; None when unknown.
        episode: The sampled episode, when sampling got that far (fills family, splits...).
    """
    info = crash_info(exc)
    tail = traceback.format_exception(type(exc), exc, exc.__traceback__)[-1].strip()
    info.message = f"{info.message} ({tail})" if tail not in info.message else info.message
    fields = (
        episode_fields(episode, task.variant)
        if episode is not None
        else {
            "key": task.key,
            "scenario": task.scenario,
            "family": "unknown",
            "instruction_split": "unknown",
            "attribute_split": "unknown",
            "difficulty": "unknown",
            "seed": task.seed,
            "instruction": "",
            "variant": task.variant,
        }
    )
    return EpisodeRecord(
        **fields,
        grid=dict(task.cell) or None,
        planner=settings.planner,
        backend=settings.backend,
        status="crashed",
        crash=info,
        success=False,
        executable=False,
        reward=0.0,
        explanation=f"the episode crashed: {info.type}: {info.message}",
        wall_time=0.0 if clock is None else time.perf_counter() - clock,
        started_at=started or now_iso(),
        finished_at=now_iso(),
        worker=worker,
    )


class _GatedModel:
    """Limits model requests in flight across processes with a shared semaphore."""

    def __init__(self, inner: Any, gate: Any) -> None:
        self._inner, self._gate = inner, gate

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def complete(self, *args: Any, **kwargs: Any) -> Any:
        with self._gate:
            return self._inner.complete(*args, **kwargs)

    def sample(self, *args: Any, **kwargs: Any) -> Any:
        with self._gate:
            return self._inner.sample(*args, **kwargs)
