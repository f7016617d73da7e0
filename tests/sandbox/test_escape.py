"""Assume escape: arbitrary code with the real os/socket/ctypes/subprocess, held by the OS jail.

Every probe runs in its own jailed worker with no Python-level wall at all (``escape_helpers``).
A probe prints ``ESCAPED`` if its attempt worked and ``blocked <errno>`` if the kernel refused; a
probe whose system call is one an escaped program would make ends with the worker killed and the
status ``error`` / ``sandbox_violation``. Each case states which outcome it expects.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from escape_helpers import UnrestrictedSession, run_escaped

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import SandboxLimits, WorkerPool
from codepolicy.sandbox.jail import LAYER_NAMES
from codepolicy.sandbox.layers import jail_gaps
from codepolicy.sandbox.result import ErrorKind, Status

pytestmark = pytest.mark.skipif(not os.sys.platform.startswith("linux"), reason="Linux jail")

SYS = {"clone": 56, "fork": 57, "ptrace": 101, "unshare": 272, "mount": 165, "setns": 308}


@pytest.fixture(scope="module")
def jailed() -> Iterator[WorkerPool]:
    with WorkerPool(size=1, testing=True) as pool:
        worker = pool.acquire()
        gaps = jail_gaps(worker.layers)
        worker.close()
        if gaps:
            pytest.skip(f"jail incomplete on this machine: {gaps}")
        yield pool


def _attempt(body: str) -> str:
    """Wrap an attempt: ESCAPED if it returns, 'blocked <errno name>' if the kernel refuses."""
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return (
        f"try:\n{lines}\n    report('ESCAPED')\n"
        "except OSError as exc:\n    report('blocked ' + errno.errorcode.get(exc.errno or 0, '?'))\n"
        "except ValueError as exc:\n    report('blocked ' + str(exc))\n"
    )


def _libc_call(expr: str) -> str:
    """A raw system call through ctypes; negative results raise OSError like os would."""
    return (
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"result = {expr}\n"
        "if result < 0:\n    raise OSError(ctypes.get_errno(), 'syscall failed')\n"
    )


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("the host's secret")
    return path


BLOCKED: dict[str, str] = {
    "write a file in the working directory": "open('x', 'w').write('owned')",
    "create a file in /tmp": "open('/tmp/owned', 'w')",
    "create a file through a raw openat": _libc_call(
        "libc.syscall(257, -100, b'/tmp/owned2', os.O_WRONLY | os.O_CREAT, 0o644)"
    ),
    "make a directory": "os.mkdir('d')",
    "read /etc/passwd": "open('/etc/passwd').read()",
    "list the root": "os.listdir('/')",
    "open an IPv4 socket": "socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
    "open a Unix socket pair": "socket.socketpair()",
    "open a raw netlink socket": "socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)",
    "fork": "os.fork()",
    "clone a process through ctypes": _libc_call("libc.syscall(56, 17, 0, 0, 0, 0)"),
    "raw fork syscall": _libc_call("libc.syscall(57)"),
    "run a program with subprocess": "subprocess.run(['/bin/true'])",
    "signal every process": "os.kill(-1, signal.SIGKILL)",
    "raise the CPU limit": "resource.setrlimit(resource.RLIMIT_CPU, (10**6, 10**6))",
    "lift the address-space limit": (
        "resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2)"
    ),
    "raise a limit through a raw prlimit64": _libc_call(
        "libc.syscall(302, 0, 0, (ctypes.c_uint64 * 2)(2**63, 2**63), None)"
    ),
    "become root": "os.setuid(0)",
    "read /proc/self": "open('/proc/self/environ').read()",
    "open a file for appending": "open('/x', 'a')",
    "map a writable shared file": "mmap.mmap(os.open('/m', os.O_RDWR | os.O_CREAT), 4096)",
    "start a thread": "t = threading.Thread(target=print); t.start(); t.join()",
}


@pytest.mark.parametrize("name", sorted(BLOCKED))
def test_attempt_is_refused_by_the_kernel(jailed: WorkerPool, name: str) -> None:
    code = _attempt(BLOCKED[name])
    if name == "start a thread":  # RuntimeError, not OSError: threads need RLIMIT_NPROC > 0
        code = "try:\n    " + BLOCKED[name] + "\n    report('ESCAPED')\nexcept RuntimeError:\n"
        code += "    report('blocked EAGAIN')\n"
    result = run_escaped(code, jailed)
    assert result.status is Status.completed, result.error
    assert "ESCAPED" not in result.output
    assert result.output.startswith("blocked "), result.output
    assert result.worker_files == []


KILLED: dict[str, str] = {
    "execute a program": "os.execv('/bin/sh', ['sh', '-c', 'touch /tmp/pwned'])",
    "ptrace": _libc_call("libc.syscall(101, 16, 1, 0, 0)"),
    "unshare a namespace": _libc_call("libc.syscall(272, 0x10000000)"),
    "mount /proc": _libc_call("libc.mount(b'proc', b'/', b'proc', 0, None)"),
    "setns": _libc_call("libc.syscall(308, 0, 0)"),
    "break out of the chroot": "os.chroot('.')\nos.chdir('..')",
    "io_uring": _libc_call("libc.syscall(425, 8, (ctypes.c_uint8 * 120)())"),
    "bpf": _libc_call("libc.syscall(321, 0, 0, 0)"),
    "read another process's memory": _libc_call("libc.syscall(310, 2, 0, 1, 0, 1, 0)"),
}


@pytest.mark.parametrize("name", sorted(KILLED))
def test_escape_system_call_kills_the_worker_with_a_clear_status(
    jailed: WorkerPool, name: str
) -> None:
    result = run_escaped(_attempt(KILLED[name]), jailed)
    assert result.status is Status.error
    assert result.error is not None and result.error.kind is ErrorKind.sandbox_violation
    assert "forbidden system call" in result.error.message
    assert "ESCAPED" not in result.output
    assert not Path("/tmp/pwned").exists()


def test_a_secret_outside_the_view_cannot_be_read(jailed: WorkerPool, secret: Path) -> None:
    code = _attempt(f"report(open({str(secret)!r}).read())")
    code += _attempt(_libc_call(f"libc.syscall(257, -100, {os.fsencode(secret)!r}, 0, 0)"))
    result = run_escaped(code, jailed)
    assert result.status is Status.completed
    assert "secret" not in result.output
    assert result.output.count("blocked") == 2, result.output


def test_the_host_cannot_be_signalled_or_read(jailed: WorkerPool) -> None:
    host = os.getpid()
    code = _attempt(f"os.kill({host}, signal.SIGKILL)")
    code += _attempt(f"report(open('/proc/{host}/environ').read())")
    code += _attempt(f"os.kill({os.getppid()}, signal.SIGTERM)")
    result = run_escaped(code, jailed)
    assert result.status is Status.completed
    assert result.output.count("blocked") == 3, result.output
    assert "ESCAPED" not in result.output


def test_the_worker_sees_an_empty_unwritable_world(jailed: WorkerPool) -> None:
    code = (
        "report(os.getcwd())\nreport(os.getuid())\nreport(os.getpid())\n"
        "fds = []\nfor fd in range(1024):\n    try:\n        os.fstat(fd)\n"
        "        fds.append(fd)\n    except OSError:\n        pass\nreport(len(fds))\n"
    )
    result = run_escaped(code, jailed)
    assert result.output.split() == ["/", "65534", "1", "5"], result.output


class _Recording(UnrestrictedSession):
    pids: list[int]

    def _ensure_started(self) -> None:
        super()._ensure_started()
        assert self.worker is not None
        pid = self.worker.pid
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            self.pids = [pid, *(int(p) for p in fh.read().split())]


def test_nothing_outlives_the_episode(jailed: WorkerPool) -> None:
    code = _attempt("os.fork()") + _attempt("subprocess.Popen(['sleep', '60'])")
    code += _attempt("os.setsid()") + "import time\ntime.sleep(30)\n"
    limits = SandboxLimits(wall_seconds=1.0, cpu_seconds=2)
    session = _Recording(code, Registry(), lambda s, a: None, limits=limits, pool=jailed, vet=False)
    with session:
        result = session.run()
    assert result.status is Status.timeout
    assert len(session.pids) == 2, "the outer half and the worker, nothing else"
    deadline = time.monotonic() + 5.0
    while any(_exists(pid) for pid in session.pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_exists(pid) for pid in session.pids)


def _exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


def test_every_layer_is_reported_with_a_reason(jailed: WorkerPool) -> None:
    worker = jailed.acquire()
    try:
        assert set(worker.layers) == set(LAYER_NAMES)
        assert all(reason for _, reason in worker.layers.values())
    finally:
        worker.close()


def test_the_host_survives_a_kill_attempt_on_its_process_group(jailed: WorkerPool) -> None:
    code = _attempt(f"os.killpg({os.getpgid(0)}, signal.SIGKILL)")
    result = run_escaped(code, jailed)
    assert result.output.startswith("blocked")
    assert signal.SIGKILL  # still here


FORGED: dict[str, bytes] = {
    "a 'done' while it keeps running": b'{"type":"done"}\n',
    "a second 'ready'": b'{"type":"ready"}\n',
    "a host reply": b'{"type":"return","value":null}\n',
    "a call to an unknown primitive": b'{"type":"call","name":"rm","args":[],"kwargs":{}}\n',
    "an empty array with 10**7 rows": (
        b'{"type":"call","name":"grasp","args":[{"$cp":"ndarray","dtype":"<f8",'
        b'"shape":[10000000,0],"b64":""}],"kwargs":{}}\n'
    ),
    "a line that never ends": b"x" * 2_000_000,
}


@pytest.mark.parametrize("name", sorted(FORGED))
def test_forged_protocol_messages_end_the_run_as_a_violation(jailed: WorkerPool, name: str) -> None:
    code = f"os.write(3, {FORGED[name]!r})\nwhile True:\n    pass\n"
    result = run_escaped(code, jailed, SandboxLimits(wall_seconds=5, cpu_seconds=4))
    assert result.status is Status.error, (result.status, result.error)
    assert result.error is not None and result.error.kind is ErrorKind.protocol_violation
