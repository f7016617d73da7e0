"""Workers forked from the fork server: fast, isolated, and replaced when the server dies."""

from __future__ import annotations

import os
import signal
import time

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox.pool import WorkerPool
from codepolicy.sandbox.session import Session
from codepolicy.sandbox.zygote import ForkHandle


def _run(pool: WorkerPool, program: str = "print(int(np.arange(4).sum()))") -> str:
    with Session(program, Registry(), lambda spec, args: None, pool=pool) as session:
        result = session.run()
    assert result.status.value == "completed", result.error
    return result.output


def test_workers_are_forked_and_hold_only_their_three_pipes() -> None:
    with WorkerPool(size=1) as pool:
        worker = pool.acquire()
        try:
            assert isinstance(worker.proc, ForkHandle)
            assert os.getpgid(worker.pid) == worker.pid, "each worker leads its own session"
            pid = worker.pid
            if worker.layers.get("pid_ns", (False, ""))[0]:
                assert os.listdir(f"/proc/{pid}/fd") == [], "the outer half holds no pipe"
                with open(f"/proc/{pid}/task/{pid}/children") as fh:
                    (pid,) = (int(p) for p in fh.read().split())
            fds = sorted(int(fd) for fd in os.listdir(f"/proc/{pid}/fd"))
            assert fds[:3] == [0, 1, 2]
            assert len(fds) == 5, "stdin (/dev/null), stderr twice, and the two protocol pipes"
            targets = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in fds}
            assert not any(t.startswith("socket:") for t in targets), targets
        finally:
            worker.close()


def test_a_killed_fork_server_is_replaced_and_programs_still_run() -> None:
    with WorkerPool(size=1) as pool:
        assert _run(pool) == "6\n"
        zygote = pool._zygote
        assert zygote is not None
        os.killpg(zygote.proc.pid, signal.SIGKILL)
        zygote.proc.wait(5)
        time.sleep(0.05)
        for _ in range(3):
            assert _run(pool) == "6\n"
        assert pool._zygote is not None and pool._zygote is not zygote
