"""A fork server for sandbox workers: import once, fork a fresh worker per program.

Starting a worker from scratch costs ~100 ms of CPU, nearly all of it importing numpy. The zygote is
a clean interpreter started like a worker (isolated mode, empty environment, its own session) that
imports the worker module once and then forks one child per program. A child is a new process with
nothing of the host in it: it gets its own stdin/stdout/stderr pipes (passed over a Unix socket),
its own session and working directory, and then runs the ordinary worker start-up. The zygote reaps
its children and reports their exit status, so the host still learns how a worker died.

Host side: :class:`Zygote` (one per host process, started lazily) and :class:`ForkHandle`.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ZYGOTE_MODULE = "codepolicy.sandbox.zygote"


class ZygoteError(RuntimeError):
    """The fork server is not available (it died or never started)."""


class Zygote:
    """Host-side handle of the fork server."""

    def __init__(self, env: dict[str, str]) -> None:
        host_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock = host_end
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", ZYGOTE_MODULE, str(zygote_end.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            pass_fds=(zygote_end.fileno(),),
            start_new_session=True,
            cwd="/",
        )
        zygote_end.close()
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._replies: list[int] = []
        self._exits: dict[int, int] = {}
        self._dead = False
        self._reader = threading.Thread(target=self._read, name="sandbox-zygote", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._dead = True
                    self._cond.notify_all()
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            with self._cond:
                for line in lines:
                    kind, _, rest = line.partition(b" ")
                    if kind == b"pid":
                        self._replies.append(int(rest))
                    elif kind == b"exit":
                        pid, status = rest.split()
                        self._exits[int(pid)] = int(status)
                self._cond.notify_all()

    @property
    def alive(self) -> bool:
        """Whether the fork server still answers."""
        return not self._dead and self.proc.poll() is None

    def fork(
        self, cwd: Path, stdin_r: int, stdout_w: int, stderr_w: int, timeout: float = 5.0
    ) -> int:
        """Fork a worker with these pipe ends as its fds 0-2, in ``cwd``; returns its pid."""
        with self._lock:
            if not self.alive:
                raise ZygoteError("the sandbox fork server is not running")
            payload = os.fsencode(str(cwd)) + b"\n"
            try:
                socket.send_fds(self._sock, [payload], [stdin_r, stdout_w, stderr_w])
            except OSError as exc:
                raise ZygoteError(f"cannot reach the sandbox fork server: {exc}") from exc
            with self._cond:
                if not self._cond.wait_for(lambda: self._replies or self._dead, timeout):
                    raise ZygoteError("the sandbox fork server did not answer")
                if not self._replies:
                    raise ZygoteError("the sandbox fork server died")
                return self._replies.pop(0)

    def exit_status(self, pid: int, timeout: float) -> int | None:
        """The exit code of a forked worker (negative: killed by that signal), waiting up to
        ``timeout`` seconds; None if it has not exited (or the server died)."""
        with self._cond:
            self._cond.wait_for(lambda: pid in self._exits or self._dead, max(timeout, 0.0))
            return self._exits.pop(pid, None) if pid in self._exits else None

    def has_exited(self, pid: int) -> bool:
        """Whether the zygote has reported ``pid``'s exit."""
        with self._cond:
            return pid in self._exits

    def close(self) -> None:
        """Stop the fork server (its running children are killed by their owners)."""
        with contextlib.suppress(OSError):
            self._sock.close()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(2.0)


class ForkHandle:
    """Popen-like handle of a worker forked by the zygote (``poll``, ``kill``, ``wait``)."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code if the worker has exited, else None."""
        if self.returncode is None and self.zygote.has_exited(self.pid):
            self.returncode = self.zygote.exit_status(self.pid, 0.0)
        if self.returncode is None and not self.zygote.alive:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
        return self.returncode

    def kill(self) -> None:
        """Kill the worker's process group."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit code; raises ``subprocess.TimeoutExpired`` on timeout."""
        limit = 3600.0 if timeout is None else timeout
        if self.returncode is None:
            self.returncode = self.zygote.exit_status(self.pid, limit)
        if self.returncode is None and not self.zygote.alive:
            self.returncode = _wait_orphan(self.pid, limit)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
        return self.returncode


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited (no such process, or a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b") ", 1)[-1][:1] in (b"Z", b"X")
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def _wait_orphan(pid: int, timeout: float) -> int | None:
    """Wait for a worker whose fork server died (its exit code is lost: -SIGKILL stands in)."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while not _gone(pid):
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.005)
    return -signal.SIGKILL


# ---- the fork server process -------------------------------------------------------------------


def _serve(control_fd: int) -> None:
    from codepolicy.sandbox import worker

    worker.preload()
    _become_subreaper()
    ctrl = socket.socket(fileno=control_fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    while True:
        readable, _, _ = select.select([ctrl.fileno(), wake_r], [], [])
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 4096)
            _reap(ctrl)
        if ctrl.fileno() in readable:
            try:
                msg, fds, _, _ = socket.recv_fds(ctrl, 4096, 3)
            except OSError:
                return
            if not msg:
                return
            if len(fds) != 3:
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:
                _become_worker(os.fsdecode(msg.strip()), fds, ctrl.fileno(), (wake_r, wake_w))
            for fd in fds:
                os.close(fd)
            ctrl.sendall(b"pid %d\n" % pid)
            _reap(ctrl)


def _become_subreaper() -> None:
    """Orphans of workers are re-parented to (and reaped by) the fork server, not the host's init."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap(ctrl: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ctrl.sendall(b"exit %d %d\n" % (pid, os.waitstatus_to_exitcode(status)))


def _become_worker(cwd: str, fds: list[int], *others: object) -> None:
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        os.chdir(cwd)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if os.sysconf("SC_OPEN_MAX") > 0 else 1024)
        from codepolicy.sandbox import worker

        worker.main()
    finally:
        os._exit(70)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
