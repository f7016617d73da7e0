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
from typing import Any

from codepolicy.bench.record import (
    EpisodeRecord,
    crash_info,
    episode_fields,
    now_iso,
    round_from_feedback,
)
from codepolicy.bench.tasks import BenchSettings, EpisodeTask
from codepolicy.envs.backend import Backend
from codepolicy.feedback.model import Feedback
from codepolicy.llm.usage import UsageLog
from codepolicy.runner.episode import world_kind
from codepolicy.scenario.sampler import Episode

_WORLDS: dict[str, Backend] = {}
"""One world per backend kind in each worker process, reused across episodes."""


def _world(kind: str) -> Backend:
    from codepolicy.runner.episode import make_backend

    if kind not in _WORLDS:
        _WORLDS[kind] = make_backend(kind)
    return _WORLDS[kind]


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


def run_task(task: EpisodeTask, settings: BenchSettings, llm_gate: Any = None) -> EpisodeRecord:
    """Run one episode into a record; any failure becomes a ``crashed`` record."""
    started, clock = now_iso(), time.perf_counter()
    worker = f"pid{os.getpid()}"
    try:
        episode = _episode(task)
    except Exception as exc:
        return crashed_record(task, settings, exc, worker=worker, started=started, clock=clock)
    try:
        if settings.planner == "oracle":
            return _run_oracle(episode, task, settings, started, clock, worker)
        return _run_llm(episode, task, settings, llm_gate, started, clock, worker)
    except Exception as exc:
        _WORLDS.pop(world_kind(episode, settings.backend), None)  # a crashed world is not reused
        return crashed_record(
            task, settings, exc, worker=worker, started=started, clock=clock, episode=episode
        )


def _video_path(settings: BenchSettings, key: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    return Path(settings.out) / "videos" / f"{safe}.mp4"


def _run_oracle(
    episode: Episode,
    task: EpisodeTask,
    settings: BenchSettings,
    started: str,
    clock: float,
    worker: str,
) -> EpisodeRecord:
    from codepolicy.oracle import oracle_program
    from codepolicy.runner.episode import run_episode

    program = oracle_program(episode)
    world = _world(world_kind(episode, settings.backend))
    with _Recording(settings, episode, task, world) as video:
        feedback = run_episode(
            episode, program, backend=world, before_run=video.start, on_event=video.on_event
        )
        video.finish(feedback.success)
    rounds = [round_from_feedback(0, program, feedback)]
    return _record(
        episode,
        task,
        settings,
        feedback,
        rounds,
        UsageLog(),
        started,
        clock,
        worker,
        video.relative,
        len(feedback.steps),
    )


def _run_llm(
    episode: Episode,
    task: EpisodeTask,
    settings: BenchSettings,
    llm_gate: Any,
    started: str,
    clock: float,
    worker: str,
) -> EpisodeRecord:
    from codepolicy.cli.planner_setup import LLMOptions, build_solver

    options = LLMOptions(**{**settings.llm, "prompt": task.prompt or "zero-shot"})
    usage = UsageLog()
    world = _world(world_kind(episode, settings.backend))
    solver = build_solver(options, world, usage)
    if llm_gate is not None:
        solver.writer.model = _GatedModel(solver.writer.model, llm_gate)
    with _Recording(settings, episode, task, world) as video:
        video.start()
        solver.on_event = video.on_event
        solution = solver.solve(episode)
        video.finish(solution.feedback.success)
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
    return _record(
        episode,
        task,
        settings,
        solution.feedback,
        rounds,
        usage,
        started,
        clock,
        worker,
        video.relative,
        calls,
    )


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
) -> EpisodeRecord:
    totals = usage.totals()
    cached = [r for r in usage.records if r.cache_hit]
    llm = settings.llm
    return EpisodeRecord(
        **episode_fields(episode, task.variant),
        planner=settings.planner,
        model=llm.get("model") if settings.planner == "llm" else None,
        profile=llm.get("profile", "default"),
        replan=max(int(llm.get("max_rounds", 1)) - 1, 0)
        if llm.get("replan", "none") != "none"
        else 0,
        strategy=llm.get("replan", "none") if settings.planner == "llm" else "none",
        backend=settings.backend,
        status=feedback.status.value,
        success=feedback.success,
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


class _Recording:
    """Optional MP4 of one episode; kept for all episodes or failures only."""

    def __init__(
        self, settings: BenchSettings, episode: Episode, task: EpisodeTask, world: Backend
    ):
        self.enabled = settings.video != "none"
        self.keep_success = settings.video == "all"
        self.path = _video_path(settings, f"{episode.scenario}|{task.seed}|{task.variant}")
        self.out = Path(settings.out)
        self.world = world
        self.recorder: Any = None
        self.relative: str | None = None

    def __enter__(self) -> _Recording:
        return self

    def start(self) -> None:
        if self.enabled and self.recorder is None:
            from codepolicy.runner.video import VideoRecorder

            self.recorder = VideoRecorder(self.path)
            self.recorder.attach(self.world)

    def on_event(self, event: object) -> None:
        if self.recorder is not None and not self.recorder.streams_motion:
            self.recorder.capture()

    def finish(self, success: bool) -> None:
        if self.recorder is None:
            return
        self.recorder.close()
        self.recorder = None
        if success and not self.keep_success:
            self.path.unlink(missing_ok=True)
        else:
            self.relative = str(self.path.relative_to(self.out))

    def __exit__(self, *exc: object) -> None:
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None
