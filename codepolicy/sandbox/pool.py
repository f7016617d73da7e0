"""Worker processes and a warm pool that pre-starts the next one.

A worker is used for exactly one program and then killed. Starting an interpreter costs about as
much as importing numpy (~100 ms of CPU), so workers are forked from a fork server that imported it
once (:mod:`codepolicy.sandbox.zygote`, a few ms each), falling back to a fresh interpreter if the
fork server is unavailable; and :class:`WorkerPool` keeps ``size`` workers started ahead of time,
handing out a ready one and starting its replacement while the current program runs.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from codepolicy.sandbox.jail import Layers
from codepolicy.sandbox.policy import JAIL_ENV, TESTING_ENV
from codepolicy.sandbox.protocol import ProtocolViolation, parse_ready
from codepolicy.sandbox.zygote import ForkHandle, Zygote, ZygoteError

WORKER_MODULE = "codepolicy.sandbox.worker"
_STDERR_CAP = 16_384
_MAX_WAIT = 7 * 86_400.0
"""Longest single wait on a worker pipe (an unbounded limit still waits finitely)."""


def worker_env(jail: bool = True, testing: bool = False) -> dict[str, str]:
    """The worker's whole environment: nothing from the host's (no secrets, no PYTHON*).

    Args:
        jail: Enter the OS jail (off only to measure its cost).
        testing: Allow the test-only unrestricted mode (:mod:`.escape`).
    """
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
    }
    if not jail:
        env[JAIL_ENV] = "0"
    if testing:
        env[TESTING_ENV] = "1"
    return env


class WorkerProcess:
    """One worker process with a line reader over its stdout and a drained stderr."""

    def __init__(
        self,
        command: list[str] | None = None,
        zygote: Zygote | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """Start the process (non-blocking; see :meth:`wait_ready`).

        Args:
            command: Override the worker command (tests use fake workers).
            zygote: Fork the worker from this fork server instead of starting an interpreter.
            env: The environment of a worker started as a command (default :func:`worker_env`).

        Raises:
            ZygoteError: the fork server could not fork (the caller falls back to a command).
        """
        self.tmpdir = Path(tempfile.mkdtemp(prefix="codepolicy-sandbox-"))
        os.chmod(self.tmpdir, 0o700)
        self._own_fds: list[int] = []
        self.proc: subprocess.Popen[bytes] | ForkHandle
        if zygote is not None and command is None:
            try:
                self._fork(zygote)
            except ZygoteError:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
                raise
        else:
            cmd = command or [sys.executable, "-I", "-m", WORKER_MODULE]
            popen = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.tmpdir,
                env=env if env is not None else worker_env(),
                close_fds=True,
                start_new_session=True,
            )
            assert popen.stdout is not None and popen.stderr is not None
            assert popen.stdin is not None
            self.proc = popen
            self._in_fd = popen.stdin.fileno()
            self._out_fd = popen.stdout.fileno()
            self._err_fd = popen.stderr.fileno()
        os.set_blocking(self._in_fd, False)
        os.set_blocking(self._out_fd, False)
        os.set_blocking(self._err_fd, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._out_fd, selectors.EVENT_READ, "out")
        self._selector.register(self._err_fd, selectors.EVENT_READ, "err")
        self._buffer = bytearray()
        self._out_open = True
        self.stderr = bytearray()
        self.ready = False
        self.layers: Layers = {}
        """The jail layers the worker reported with ``ready`` (before any program code ran)."""
        self.started_at = time.perf_counter()
        self._closed = False

    def _fork(self, zygote: Zygote) -> None:
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            pid = zygote.fork(self.tmpdir, in_r, out_w, err_w)
        except ZygoteError:
            for fd in (in_r, in_w, out_r, out_w, err_r, err_w):
                os.close(fd)
            raise
        for fd in (in_r, out_w, err_w):
            os.close(fd)
        self.proc = ForkHandle(zygote, pid)
        self._in_fd, self._out_fd, self._err_fd = in_w, out_r, err_r
        self._own_fds = [in_w, out_r, err_r]

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.proc.pid

    def alive(self) -> bool:
        """True if the process has not exited."""
        return self.proc.poll() is None

    def send(self, data: bytes, timeout: float = 10.0) -> bool:
        """Write one message; False if the worker is gone or does not read it within ``timeout``.

        The write never blocks indefinitely: a worker that stops reading cannot hang the host.
        """
        deadline = time.perf_counter() + min(max(timeout, 0.0), _MAX_WAIT)
        view = memoryview(data)
        try:
            while view:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return False
                _, writable, _ = select.select([], [self._in_fd], [], remaining)
                if not writable:
                    return False
                try:
                    n = os.write(self._in_fd, view)
                except BlockingIOError:
                    continue
                view = view[n:]
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def read_line(self, timeout: float, max_bytes: int) -> bytes | None:
        """The next newline-terminated line, without the newline.

        Returns:
            The line, or None on timeout or end of stream (check :meth:`alive`/:attr:`eof`).

        Raises:
            ProtocolViolation: a line longer than ``max_bytes``.
        """
        deadline = time.perf_counter() + min(max(timeout, 0.0), _MAX_WAIT)
        while True:
            idx = self._buffer.find(b"\n")
            if idx >= 0:
                if idx > max_bytes:
                    raise ProtocolViolation(f"message longer than {max_bytes} bytes")
                line = bytes(self._buffer[:idx])
                del self._buffer[: idx + 1]
                return line
            if len(self._buffer) > max_bytes:
                raise ProtocolViolation(f"message longer than {max_bytes} bytes")
            if not self._out_open:
                return None
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            for key, _ in self._selector.select(remaining):
                self._pump(str(key.data), max_bytes)

    @property
    def eof(self) -> bool:
        """True once the worker closed its output and nothing is buffered."""
        return not self._out_open and b"\n" not in self._buffer

    def _pump(self, which: str, max_bytes: int) -> None:
        fd = self._out_fd if which == "out" else self._err_fd
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(fd)
            if which == "out":
                self._out_open = False
            return
        if which == "out":
            self._buffer += chunk
        elif len(self.stderr) < _STDERR_CAP:
            self.stderr += chunk[: _STDERR_CAP - len(self.stderr)]

    def wait_ready(self, timeout: float) -> bool:
        """Block until the worker says ``ready``; False on timeout, death or garbage."""
        if self.ready:
            return True
        try:
            line = self.read_line(timeout, 16_384)
            if line is None:
                return False
            self.layers = parse_ready(line)
        except ProtocolViolation:
            return False
        self.ready = True
        return True

    def kill(self) -> None:
        """Kill the worker's whole process group (idempotent)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()

    def wait(self, timeout: float = 5.0) -> int | None:
        """Reap the process; its return code (negative: killed by that signal)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        """Kill, reap, close pipes and remove the temporary directory."""
        if self._closed:
            return
        self._closed = True
        self.kill()
        self.wait()
        self._selector.close()
        if isinstance(self.proc, subprocess.Popen):
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError, ValueError):
                        stream.close()
        for fd in self._own_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def tmpdir_entries(self) -> list[str]:
        """Names in the worker's working directory (should stay empty)."""
        try:
            return sorted(os.listdir(self.tmpdir))
        except OSError:
            return []


class WorkerPool:
    """Keeps ``size`` started workers ready; thread-safe."""

    def __init__(
        self,
        size: int = 1,
        command: list[str] | None = None,
        fork_server: bool = True,
        jail: bool = True,
        testing: bool = False,
    ) -> None:
        """Args:
        size: Workers kept ready.
        command: Worker command override (tests' fake workers).
        fork_server: Fork workers from a zygote (else a fresh interpreter each).
        jail: Workers enter the OS jail (turn off only to measure its cost).
        testing: Workers accept the test-only unrestricted mode (escape tests).
        """
        self.size = size
        self.env = worker_env(jail=jail, testing=testing)
        self.command = command
        self.fork_server = fork_server and command is None
        self._zygote: Zygote | None = None
        self._idle: list[WorkerProcess] = []
        self._lock = threading.Lock()
        self._closed = False
        self.fill()

    def _start(self) -> WorkerProcess:
        """A new worker: forked from the fork server when possible, else a fresh interpreter."""
        if self.fork_server:
            if self._zygote is None or not self._zygote.alive:
                if self._zygote is not None:
                    self._zygote.close()
                self._zygote = Zygote(self.env)
            try:
                return WorkerProcess(zygote=self._zygote)
            except ZygoteError:
                self._zygote.close()
                self._zygote = None
        return WorkerProcess(self.command, env=self.env)

    def fill(self) -> None:
        """Start workers until ``size`` are idle."""
        with self._lock:
            if self._closed:
                return
            self._idle = [w for w in self._idle if w.alive()]
            while len(self._idle) < self.size:
                self._idle.append(self._start())

    def acquire(self, timeout: float = 10.0) -> WorkerProcess:
        """A ready worker (waiting for one to start if necessary); starts its replacement.

        Raises:
            RuntimeError: no worker became ready within ``timeout``.
        """
        deadline = time.perf_counter() + timeout
        while True:
            with self._lock:
                worker = self._idle.pop(0) if self._idle else None
            if worker is None:
                with self._lock:
                    worker = self._start()
            self.fill()
            if worker.wait_ready(deadline - time.perf_counter()):
                return worker
            worker.close()
            if time.perf_counter() >= deadline:
                raise RuntimeError("no sandbox worker became ready in time")

    def close(self) -> None:
        """Kill the idle workers."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            zygote, self._zygote = self._zygote, None
        for worker in idle:
            worker.close()
        if zygote is not None:
            zygote.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default_pool: WorkerPool | None = None
_default_lock = threading.Lock()


def default_pool() -> WorkerPool:
    """The process-wide pool (one warm worker), created on first use and closed at exit."""
    global _default_pool
    with _default_lock:
        if _default_pool is None:
            _default_pool = WorkerPool(size=1)
            atexit.register(_default_pool.close)
        return _default_pool
