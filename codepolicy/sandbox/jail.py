"""The operating-system jail a worker enters before it reports ``ready`` (Linux).

The Python layer (vetting, curated builtins, facades, audit hook) is assumed broken: whatever code
runs in the worker, with the real ``os`` and ``ctypes``, may only compute and talk over its pipes.
Layers, each applied where the kernel allows and recorded with the reason when not:

* ``pid_ns``, ``net_ns``, ``ipc_ns``, ``mount_ns``, ``uts_ns``: fresh namespaces. The worker is
  process 1 of its PID namespace, so when it ends the kernel kills everything it started; the new
  network namespace has no interface up (not even loopback).
* ``filesystem``: in the mount namespace the root becomes an empty read-only tmpfs mounted on the
  worker's empty directory (``chroot``); the host's files are not in the view at all.
* ``uid_drop``: running as root, the worker becomes ``nobody`` with no supplementary groups.
* ``user_ns``: a fresh user namespace (so nothing the worker owns maps to a real user), then every
  capability dropped.
* ``no_new_privs`` and ``landlock`` (a ruleset granting no filesystem access at all).
* ``seccomp``: a system-call allowlist (:mod:`.syscalls`), installed by the worker just before the
  program runs, after the interpreter and numpy are loaded.
* ``fds`` (only the protocol pipes and stderr are open) and ``rlimits`` (applied by the worker).

:func:`enter` returns the :class:`Layers` it achieved; nothing here raises on a missing layer.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from typing import Any, NoReturn

LAYER_NAMES: tuple[str, ...] = (
    "user_ns",
    "pid_ns",
    "net_ns",
    "ipc_ns",
    "mount_ns",
    "uts_ns",
    "filesystem",
    "uid_drop",
    "capabilities",
    "no_new_privs",
    "landlock",
    "seccomp",
    "fds",
    "rlimits",
)
"""Every layer, in the order they are shown."""

NOBODY = 65534
_CLONE = {
    "mount_ns": 0x00020000,
    "uts_ns": 0x04000000,
    "ipc_ns": 0x08000000,
    "user_ns": 0x10000000,
    "pid_ns": 0x20000000,
    "net_ns": 0x40000000,
}
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
_CAP_VERSION_3 = 0x20080522


Layers = dict[str, tuple[bool, str]]
"""Layer name -> (active, what it is or why it is off)."""


class _Libc:
    """The few libc calls the jail needs (ctypes, errno-checked)."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(None, use_errno=True)
        self.lib.syscall.restype = ctypes.c_long

    def check(self, result: int, what: str) -> None:
        if result < 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")

    def unshare(self, flags: int) -> None:
        self.check(self.lib.unshare(ctypes.c_int(flags)), "unshare")

    def mount(self, source: str | None, target: str, fstype: str | None, flags: int) -> None:
        def enc(s: str | None) -> bytes | None:
            return None if s is None else os.fsencode(s)

        result = self.lib.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), None)
        self.check(result, f"mount {target}")

    def prctl(self, option: int, arg: int) -> None:
        result = self.lib.prctl(ctypes.c_int(option), ctypes.c_ulong(arg), 0, 0, 0)
        self.check(result, f"prctl({option})")

    def drop_capabilities(self) -> None:
        for cap in range(64):
            if self.lib.prctl(ctypes.c_int(_PR_CAPBSET_DROP), ctypes.c_ulong(cap), 0, 0, 0) < 0:
                break
        header = (ctypes.c_uint32 * 2)(_CAP_VERSION_3, 0)
        data = (ctypes.c_uint32 * 6)()
        self.check(self.lib.capset(header, data), "capset")


def _off(why: str) -> tuple[bool, str]:
    return (False, why)


def unavailable(why: str) -> Layers:
    """Every layer off for the same reason (e.g. not Linux)."""
    return {name: _off(why) for name in LAYER_NAMES}


def _errno_reason(exc: OSError) -> str:
    text = str(exc)
    if exc.errno in (1, 13, 22, 28):  # EPERM, EACCES, EINVAL, ENOSPC
        text += " (disabled by the kernel or container, or no privilege)"
    return text


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _user_namespace(libc: _Libc, layers: Layers, others: int) -> None:
    """A fresh user namespace (plus ``others`` namespaces at once), mapping the current ids."""
    uid, gid = os.geteuid(), os.getegid()
    try:
        libc.unshare(_CLONE["user_ns"] | others)
    except OSError as exc:
        layers["user_ns"] = _off(_errno_reason(exc))
        return
    layers["user_ns"] = (True, "fresh user namespace; nothing maps to a real user")
    with contextlib.suppress(OSError):
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _namespaces(libc: _Libc, layers: Layers, names: tuple[str, ...]) -> None:
    for name in names:
        try:
            libc.unshare(_CLONE[name])
        except OSError as exc:
            layers[name] = _off(_errno_reason(exc))
        else:
            layers[name] = (True, "fresh namespace")
    if layers.get("net_ns", (False, ""))[0]:
        layers["net_ns"] = (True, "fresh namespace with no interface up (not even loopback)")


def preload() -> None:
    """Import what the jail needs while files can still be read (before :func:`enter`)."""
    for module in ("pyseccomp", "landlock"):
        with contextlib.suppress(Exception):
            __import__(module)
    with contextlib.suppress(Exception):
        from codepolicy.sandbox import syscalls

        syscalls.prebuild()


def _mount_empty(libc: _Libc, layers: Layers, cwd: str) -> bool:
    """Mount an empty read-only tmpfs on the (empty) working directory and enter it."""
    try:
        libc.mount(None, "/", None, _MS_REC | _MS_PRIVATE)
        flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC | _MS_RDONLY
        libc.mount("tmpfs", cwd, "tmpfs", flags)
        os.chdir(cwd)
    except OSError as exc:
        layers["filesystem"] = _off(_errno_reason(exc))
        return False
    return True


def _chroot_here(layers: Layers) -> None:
    """Make the tmpfs entered by :func:`_mount_empty` the root of the view.

    ``chroot`` rather than ``pivot_root`` plus a lazy unmount of the old root: that unmount waits
    for an RCU grace period (2-12 ms per worker here). The old tree stays in the namespace but is
    unreachable: the root is the tmpfs, no descriptor points outside, and ``chroot``, ``mount``
    and ``umount`` are denied by seccomp and by the dropped capabilities.
    """
    try:
        os.chroot(".")
        os.chdir("/")
    except OSError as exc:
        layers["filesystem"] = _off(_errno_reason(exc))
        return
    layers["filesystem"] = (True, "empty read-only root; the host's files are not in the view")


def _drop_uid(layers: Layers) -> None:
    try:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
    except OSError as exc:
        layers["uid_drop"] = _off(_errno_reason(exc))
        return
    layers["uid_drop"] = (True, f"uid/gid {NOBODY} (nobody), no supplementary groups")


def _landlock(layers: Layers) -> None:
    try:
        import landlock

        # the package reads errno instead of return values: clear what earlier calls left there
        ctypes.set_errno(0)
        abi = landlock.landlock_abi_version()
        ctypes.set_errno(0)
        landlock.Ruleset().apply()
    except ImportError:
        layers["landlock"] = _off("the 'landlock' package is not installed")
    except Exception as exc:
        layers["landlock"] = _off(f"{type(exc).__name__}: {exc}"[:200])
    else:
        layers["landlock"] = (True, f"ABI {abi}; no filesystem access granted")


def _become_pid1(libc: _Libc) -> None:
    """Fork: the child is process 1 of the new PID namespace; the parent mirrors its exit."""
    pid = os.fork()
    if pid == 0:
        with contextlib.suppress(OSError):
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 0:
            return
        os._exit(70)  # the parent died before we could watch it
    _mirror_child(pid)


def _mirror_child(pid: int) -> NoReturn:
    """The outer half of a PID-namespace worker: hold no pipes, wait, exit as the worker did."""
    os.closerange(0, 1024)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    code = os.waitstatus_to_exitcode(status)
    if code >= 0:
        os._exit(code)
    with contextlib.suppress(OSError):
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(128 - code)


def enter(cwd: str) -> Layers:
    """Enter the jail (all layers but ``seccomp`` and ``rlimits``, applied later by the worker).

    Must be called with only the protocol pipes and stderr open, before any program code runs.
    """
    if not sys.platform.startswith("linux"):
        return unavailable(f"not Linux ({sys.platform}): the OS jail needs Linux")
    layers: Layers = {}
    libc = _Libc()
    others = ("pid_ns", "net_ns", "ipc_ns", "mount_ns", "uts_ns")
    if os.geteuid() == 0:
        _namespaces(libc, layers, others)
    else:
        layers["uid_drop"] = (True, f"not root (uid {os.geteuid()})")
        _user_namespace(libc, layers, 0)
        _namespaces(libc, layers, others)
    mounted = layers["mount_ns"][0] and _mount_empty(libc, layers, cwd)
    if not layers["mount_ns"][0]:
        layers["filesystem"] = _off("no mount namespace (see mount_ns)")
    if os.geteuid() == 0:
        _drop_uid(layers)
        _user_namespace(libc, layers, 0)  # before chroot: a chrooted process cannot create one
    if mounted:
        _chroot_here(layers)
    try:
        libc.drop_capabilities()
        layers["capabilities"] = (True, "none (bounding set emptied)")
    except OSError as exc:
        layers["capabilities"] = _off(str(exc))
    try:
        libc.prctl(_PR_SET_NO_NEW_PRIVS, 1)
        layers["no_new_privs"] = (True, "set")
    except OSError as exc:
        layers["no_new_privs"] = _off(str(exc))
    with contextlib.suppress(OSError):
        libc.prctl(_PR_SET_DUMPABLE, 0)
    _landlock(layers)
    if layers["pid_ns"][0]:
        _become_pid1(libc)
        layers["pid_ns"] = (True, "process 1 of a fresh PID namespace: children die with it")
    return layers


def open_fds(limit: int = 1024) -> list[int]:
    """File descriptors open in this process (probed with fstat; works without /proc)."""
    found = []
    for fd in range(limit):
        try:
            os.fstat(fd)
        except OSError:
            continue
        found.append(fd)
    return found


def summary(layers: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(active layer names, inactive layer names) in display order."""
    on = [n for n in LAYER_NAMES if n in layers and bool(layers[n][0])]
    off = [n for n in LAYER_NAMES if n not in on]
    return on, off
