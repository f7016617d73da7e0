"""The worker's seccomp-bpf system-call allowlist, built with libseccomp (``pyseccomp``).

Everything not listed fails with ``EPERM`` (the program sees a ``PermissionError``); a few calls
that only an escaped program would make end the process at once (the host reports a forbidden
system call). Arguments are checked where a call is harmless only in some forms: ``openat`` only
read-only, ``clone`` only for threads, signals only to the worker itself, ``prlimit64`` only to
read limits, ``fcntl`` only for descriptor flags.

The filter is built before ``ready`` (:func:`build`) and loaded right before the program runs
(:func:`load`), after the interpreter, numpy and the facades are loaded and the limits are set.
"""

from __future__ import annotations

import errno
import os
from typing import Any

ALLOWED: tuple[str, ...] = (
    "read",
    "write",
    "readv",
    "writev",
    "pread64",
    "close",
    "fstat",
    "newfstatat",
    "statx",
    "lseek",
    "getdents64",
    "dup",
    "dup3",
    "mmap",
    "munmap",
    "mremap",
    "mprotect",
    "madvise",
    "brk",
    "futex",
    "set_robust_list",
    "rseq",
    "sched_yield",
    "sched_getaffinity",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "sigaltstack",
    "restart_syscall",
    "clock_gettime",
    "clock_getres",
    "clock_nanosleep",
    "nanosleep",
    "gettimeofday",
    "getrusage",
    "times",
    "getpid",
    "getcwd",
    "gettid",
    "getppid",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getrandom",
    "exit",
    "exit_group",
    "select",
    "poll",
    "pselect6",
    "ppoll",
)
"""Calls allowed with any arguments."""

KILLED: tuple[str, ...] = (
    "execve",
    "execveat",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "personality",
    "mount",
    "umount2",
    "unshare",
    "setns",
    "pivot_root",
    "chroot",
    "bpf",
    "perf_event_open",
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "io_uring_setup",
    "seccomp",
)
"""Calls that end the worker immediately (SIGSYS)."""

_O_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_O_TMPFILE = getattr(os, "O_TMPFILE", 0x410000)
_CLONE_THREAD = 0x00010000
_FCNTL_OK = (0, 1, 2, 3, 1030)  # F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_DUPFD_CLOEXEC
_PRCTL_OK = (15, 16)  # PR_SET_NAME, PR_GET_NAME (thread names)


def build(own_pid: int) -> Any:
    """The filter for a worker whose pid (in its namespace) is ``own_pid``; not yet loaded.

    Raises:
        ImportError: ``pyseccomp`` is not installed.
        OSError: libseccomp is missing or rejects a rule.
    """
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    f = sc.SyscallFilter(defaction=deny)
    for name in ALLOWED:
        f.add_rule(sc.ALLOW, name)
    for name in KILLED:
        f.add_rule(sc.KILL_PROCESS, name)
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")  # glibc falls back to clone(), checked below
    f.add_rule(sc.ERRNO(errno.ENOTTY), "ioctl")
    f.add_rule(sc.ALLOW, "clone", sc.Arg(0, sc.MASKED_EQ, _CLONE_THREAD, _CLONE_THREAD))
    f.add_rule(sc.ALLOW, "openat", sc.Arg(2, sc.MASKED_EQ, _O_WRITE_FLAGS | _O_TMPFILE, 0))
    f.add_rule(sc.ERRNO(errno.ENOSYS), "openat2")
    f.add_rule(sc.ALLOW, "prlimit64", sc.Arg(2, sc.EQ, 0))
    for cmd in _FCNTL_OK:
        f.add_rule(sc.ALLOW, "fcntl", sc.Arg(1, sc.EQ, cmd))
    for option in _PRCTL_OK:
        f.add_rule(sc.ALLOW, "prctl", sc.Arg(0, sc.EQ, option))
    f.add_rule(sc.ALLOW, "kill", sc.Arg(0, sc.EQ, own_pid))
    f.add_rule(sc.ALLOW, "tgkill", sc.Arg(0, sc.EQ, own_pid))
    return f


_PREBUILT: dict[int, Any] = {}


def prebuild() -> None:
    """Build the filter for process 1 (the worker in its PID namespace) ahead of time, in the
    fork server: compiling the rules costs a few milliseconds that every fork would repeat."""
    if 1 not in _PREBUILT:
        _PREBUILT[1] = build(1)


def for_pid(own_pid: int) -> Any:
    """The filter for ``own_pid``: the prebuilt one (inherited through fork) when it matches."""
    return _PREBUILT.get(own_pid) or build(own_pid)


def load(f: Any) -> None:
    """Install the filter on this process (irreversible; needs no_new_privs or privilege)."""
    f.load()
