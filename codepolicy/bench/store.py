"""Crash-safe, append-only storage of episode records in ``DIR/results.jsonl``.

Each finished episode becomes one JSON line. :meth:`ResultsStore.append` serialises the whole line
first, takes an exclusive ``flock`` on the file, drops a torn last line left by an earlier crash,
skips the record if its key is already in the file, writes the line with ``os.write`` on an
``O_APPEND`` descriptor and ``fsync``\\ s before returning. So a ``kill -9`` at any moment loses no
acknowledged episode, never leaves a broken line in the middle of the file, and several processes
can append to one file at once without interleaving or duplicating episodes.

Readers ignore a trailing line without a newline (a write in progress or torn by a crash) and keep
the first record of each key.

Example:
    >>> import tempfile
    >>> from codepolicy.bench.record import EpisodeRecord
    >>> store = ResultsStore(tempfile.mkdtemp())
    >>> rec = EpisodeRecord(key="s|0|v", scenario="s", family="f", instruction_split="seen",
    ...     attribute_split="seen", difficulty="easy", seed=0, instruction="i", variant="v",
    ...     status="failed", success=False, executable=True, reward=0.0)
    >>> store.append(rec), store.append(rec), sorted(store.done_keys())
    (True, False, ['s|0|v'])
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from codepolicy.bench.record import EpisodeRecord

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

RESULTS_NAME = "results.jsonl"
log = logging.getLogger(__name__)


class ResultsFileError(ValueError):
    """A complete line of a results file is not a valid record."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        """Args: path: The file. line: 1-based line number. reason: What is wrong."""
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass
class LoadedResults:
    """Records read from a results file, with what was dropped and why."""

    path: Path
    records: list[EpisodeRecord] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    """(line, key) of records dropped because an earlier line has the same key."""
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line, reason) of invalid lines dropped (only when reading with ``strict=False``)."""
    torn_tail: bool = False
    """The file ends with an incomplete line (ignored)."""

    @property
    def warnings(self) -> list[str]:
        """Human-readable notes about dropped lines."""
        notes = [f"{self.path}:{n}: duplicate key {k!r} ignored" for n, k in self.duplicates]
        notes += [f"{self.path}:{n}: invalid line skipped: {why}" for n, why in self.skipped]
        if self.torn_tail:
            notes.append(f"{self.path}: incomplete last line ignored (interrupted write)")
        return notes


def results_path(directory: str | Path) -> Path:
    """``DIR/results.jsonl``."""
    return Path(directory) / RESULTS_NAME


@contextmanager
def _locked(fd: int) -> Iterator[None]:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _repair_fd(fd: int) -> int:
    """Truncate an incomplete last line; returns the bytes removed. Caller holds the lock."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return 0
    end = size
    keep = 0
    while end > 0:
        start = max(0, end - 65536)
        chunk = os.pread(fd, end - start, start)
        pos = chunk.rfind(b"\n")
        if pos >= 0:
            keep = start + pos + 1
            break
        end = start
    os.ftruncate(fd, keep)
    os.fsync(fd)
    log.warning(
        "removed an incomplete last line (%d bytes) left by an interrupted write", size - keep
    )
    return size - keep


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def repair(directory: str | Path) -> int:
    """Remove a torn last line of ``DIR/results.jsonl`` (if any); returns the bytes removed."""
    path = results_path(directory)
    if not path.exists():
        return 0
    fd = os.open(path, os.O_RDWR)
    try:
        with _locked(fd):
            return _repair_fd(fd)
    finally:
        os.close(fd)


class ResultsStore:
    """Appends records to ``DIR/results.jsonl``; safe against crashes and concurrent writers."""

    def __init__(self, directory: str | Path) -> None:
        """Args: directory: The run directory (created if missing)."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = results_path(self.directory)
        self._offset = 0
        self._keys: set[str] = set()

    def _scan(self, fd: int) -> None:
        """Learn the keys of lines appended since the last scan (by any process)."""
        size = os.fstat(fd).st_size
        if size < self._offset:  # the file was replaced or truncated: start over
            self._offset, self._keys = 0, set()
        while self._offset < size:
            data = os.pread(fd, min(size - self._offset, 1 << 22), self._offset)
            end = data.rfind(b"\n")
            if end < 0:
                if len(data) < size - self._offset:  # one line longer than the chunk
                    data = os.pread(fd, size - self._offset, self._offset)
                    end = data.rfind(b"\n")
                if end < 0:
                    return
            for line in data[: end + 1].splitlines():
                try:
                    key = json.loads(line).get("key")
                except (ValueError, AttributeError):
                    continue
                if isinstance(key, str):
                    self._keys.add(key)
            self._offset += end + 1

    def append(self, record: EpisodeRecord) -> bool:
        """Durably append one record unless its key is already stored.

        Returns:
            True if written (and fsynced), False if a record with that key was already there.
        """
        line = (record.to_line() + "\n").encode("utf-8")
        if b"\n" in line[:-1]:  # pragma: no cover - JSON escapes newlines
            raise ValueError("a record line must not contain a newline")
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            with _locked(fd):
                _repair_fd(fd)
                self._scan(fd)
                if record.key in self._keys:
                    log.warning("episode %s is already in %s; not appended", record.key, self.path)
                    return False
                _write_all(fd, line)
                os.fsync(fd)
                self._keys.add(record.key)
                self._offset = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.directory)
        return True

    def done_keys(self) -> set[str]:
        """Keys of all complete records in the file (any process's)."""
        return done_keys(self.directory)

    def load(self, *, strict: bool = True) -> LoadedResults:
        """All records, deduplicated (see :func:`load_results`)."""
        return load_results(self.directory, strict=strict)


def load_results(directory: str | Path, *, strict: bool = True) -> LoadedResults:
    """Read ``DIR/results.jsonl``: complete, valid lines; first record per key.

    Args:
        directory: The run directory.
        strict: Raise on an invalid complete line (default); otherwise skip it and note it.

    Raises:
        FileNotFoundError: If the file does not exist.
        ResultsFileError: If ``strict`` and a complete line is not a valid record (names the line).
    """
    path = results_path(directory)
    data = path.read_bytes()
    loaded = LoadedResults(path=path)
    lines = data.split(b"\n")
    if lines[-1].strip():
        loaded.torn_tail = True
    seen: set[str] = set()
    for number, raw in enumerate(lines[:-1], start=1):
        if not raw.strip():
            continue
        try:
            record = EpisodeRecord.model_validate_json(raw)
        except ValidationError as exc:
            reason = _reason(exc)
            if strict:
                raise ResultsFileError(path, number, reason) from None
            loaded.skipped.append((number, reason))
            continue
        if record.key in seen:
            loaded.duplicates.append((number, record.key))
            continue
        seen.add(record.key)
        loaded.records.append(record)
    for note in loaded.warnings:
        log.warning("%s", note)
    return loaded


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        return f"invalid JSON ({first['msg']})"
    where = ".".join(str(p) for p in first["loc"]) or "record"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid record: {where}: {first['msg']}{more}"


def read_records(directory: str | Path, *, strict: bool = True) -> list[EpisodeRecord]:
    """The deduplicated records of ``DIR/results.jsonl`` (see :func:`load_results`)."""
    return load_results(directory, strict=strict).records


def done_keys(directory: str | Path) -> set[str]:
    """Keys already stored in ``DIR`` (empty if there is no results file yet), for ``--resume``."""
    if not results_path(directory).exists():
        return set()
    return {record.key for record in load_results(directory).records}
