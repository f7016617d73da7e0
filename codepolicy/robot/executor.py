"""The driver thread: runs robot commands one at a time and halts them on demand.

The server's network thread never touches the driver. It submits :class:`Job` objects here, reads
:attr:`DriverExecutor.state` (a snapshot refreshed after every command) and calls
:meth:`DriverExecutor.halt`, which makes the running motion stop and hold within one control step.
Finished jobs are handed back through a callback (the server wakes its poller with it).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from codepolicy.robot.driver import RobotDriver, RobotState


@dataclass
class Job:
    """One command for the driver.

    Attributes:
        run: Executes the command on the driver; ``should_stop`` is passed through.
        context: Opaque data the server needs to reply (session, sequence number, ...).
        result: Filled in by the executor: the command's value.
        error: Filled in when the command raised.
        started: Wall time the driver started it.
        finished: Wall time it finished.
    """

    run: Callable[[Callable[[], bool]], Any]
    context: Any = None
    result: Any = None
    error: BaseException | None = None
    started: float = 0.0
    finished: float = 0.0
    halted: bool = field(default=False)


class DriverExecutor:
    """Owns the driver on a thread of its own.

    Args:
        driver: The arm.
        on_done: Called (from the driver thread) with each finished job.
    """

    def __init__(self, driver: RobotDriver, on_done: Callable[[Job], None]) -> None:
        self.driver = driver
        self._on_done = on_done
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._halt = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._pending = 0
        self._state = driver.state()
        self.halted_at: float | None = None
        """Wall time the last halt finished (the arm holding still)."""
        self._thread = threading.Thread(target=self._loop, name="robot-driver", daemon=True)
        self._thread.start()

    @property
    def state(self) -> RobotState:
        """The latest robot state snapshot."""
        with self._lock:
            return replace(self._state, moving=self._pending > 0)

    @property
    def busy(self) -> bool:
        """Whether a command is running or queued."""
        with self._lock:
            return self._pending > 0

    def submit(self, job: Job) -> None:
        """Queue a command."""
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put(job)

    def halt(self) -> None:
        """Stop the running motion (and drop queued ones); the arm holds where it is."""
        with self._lock:
            if self._pending == 0:
                self._held()
                return
            self._halt.set()

    def _held(self) -> None:
        self.halted_at = time.monotonic()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no command runs (True) or ``timeout`` passes (False)."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Halt, stop the thread, close the driver."""
        self.halt()
        self._jobs.put(None)
        self._thread.join(timeout)
        self.driver.close()

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job.started = time.monotonic()
            if self._halt.is_set():
                job.halted = True
            else:
                try:
                    job.result = job.run(self._halt.is_set)
                except BaseException as exc:
                    job.error = exc
                job.halted = self._halt.is_set()
            if job.halted:
                try:
                    self.driver.hold()
                except BaseException as exc:
                    job.error = job.error or exc
            job.finished = time.monotonic()
            self._refresh()
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    if self._halt.is_set():
                        self._held()
                        self._halt.clear()
                    self._idle.set()
            self._on_done(job)

    def _refresh(self) -> None:
        try:
            state = self.driver.state()
        except Exception:
            return
        with self._lock:
            self._state = state
