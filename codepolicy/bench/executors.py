"""Executors: where benchmark episodes run — this process, W local worker processes, or Ray.

Results come back to the calling process, which alone appends them to the results file, so the
file has one writer; workers each keep their own world. ``--max-concurrent-llm`` is enforced with a
semaphore shared by the local workers, and by bounding tasks in flight under Ray.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.runner import close_worlds, crashed_record, run_task
from codepolicy.bench.tasks import BenchSettings, EpisodeTask

EXECUTORS = ("local", "ray")

_GATE: Any = None


def _init_worker(gate: Any) -> None:
    global _GATE
    _GATE = gate


def _run_in_worker(task: EpisodeTask, settings: BenchSettings) -> EpisodeRecord:
    return run_task(task, settings, _GATE)


def run_local(
    tasks: list[EpisodeTask], settings: BenchSettings, workers: int
) -> Iterator[EpisodeRecord]:
    """Run ``tasks`` in this process (1 worker) or a pool of ``workers`` processes.

    Yields records as episodes finish (in completion order).
    """
    if workers <= 1:
        gate = _semaphore(settings)
        try:
            for task in tasks:
                yield run_task(task, settings, gate)
        finally:
            close_worlds()
        return
    context = multiprocessing.get_context("forkserver")
    gate = (
        context.BoundedSemaphore(settings.max_concurrent_llm)
        if settings.max_concurrent_llm
        else None
    )
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(gate,)
    ) as pool:
        yield from _as_completed(pool.submit, tasks, settings, limit=workers * 2)


def _semaphore(settings: BenchSettings) -> Any:
    if not settings.max_concurrent_llm:
        return None
    import threading

    return threading.BoundedSemaphore(settings.max_concurrent_llm)


def _as_completed(
    submit: Callable[..., Future[EpisodeRecord]],
    tasks: list[EpisodeTask],
    settings: BenchSettings,
    limit: int,
) -> Iterator[EpisodeRecord]:
    """Keep at most ``limit`` tasks queued, yield each result as soon as it is done."""
    pending: dict[Future[EpisodeRecord], EpisodeTask] = {}
    queue = list(tasks)
    while queue or pending:
        while queue and len(pending) < limit:
            task = queue.pop(0)
            pending[submit(_run_in_worker, task, settings)] = task
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            task = pending.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # the worker process itself died
                yield crashed_record(task, settings, exc, worker="worker process")


def run_ray(
    tasks: list[EpisodeTask],
    settings: BenchSettings,
    workers: int,
    address: str | None = None,
    local_mode: bool = False,
) -> Iterator[EpisodeRecord]:
    """Run ``tasks`` as Ray tasks (``pip install 'codepolicy[ray]'``).

    Args:
        address: A Ray cluster address; None starts a local Ray instance.
        local_mode: Run tasks in this process (Ray's local mode; for tests and debugging).
    """
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(
            "--executor ray needs Ray: pip install 'codepolicy[ray]' (or pip install ray)"
        ) from exc
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=address,
            local_mode=local_mode,
            include_dashboard=False,
            num_cpus=None if address else max(workers, 1),
            log_to_driver=False,
        )
    remote = ray.remote(num_cpus=1, max_retries=0)(run_task)
    limit = max(workers, 1)
    if settings.planner == "llm" and settings.max_concurrent_llm:
        limit = min(limit, settings.max_concurrent_llm)
    try:
        pending: dict[Any, EpisodeTask] = {}
        queue = list(tasks)
        while queue or pending:
            while queue and len(pending) < limit:
                task = queue.pop(0)
                pending[remote.remote(task, settings, None)] = task
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                task = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:
                    yield crashed_record(task, settings, exc, worker="ray")
    finally:
        if started_here:
            ray.shutdown()
