"""Live progress of a benchmark run: episodes done/total, success so far, calls, tokens, time left.

On a terminal it is a ``rich.progress`` bar; elsewhere (CI, redirected output) it prints one plain
line per finished episode.

Example:
    >>> import io
    >>> from rich.console import Console
    >>> progress = BenchProgress(total=2, console=Console(file=io.StringIO()))
    >>> progress.plain
    True
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from codepolicy.bench.record import EpisodeRecord


def _duration(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


class BenchProgress:
    """Progress display fed with each finished :class:`EpisodeRecord`."""

    def __init__(
        self,
        total: int,
        *,
        done: int = 0,
        console: Console | None = None,
        plain: bool | None = None,
        description: str = "episodes",
    ) -> None:
        """Args:
        total: Episodes in the run (including ``done``).
        done: Episodes already finished before this process (resume); excluded from the rate.
        console: Where to draw (default: stderr).
        plain: Force plain lines (True) or the bar (False); default: bar only on a terminal.
        description: Label of the bar.
        """
        self.console = console or Console(stderr=True)
        self.plain = (not self.console.is_terminal) if plain is None else plain
        self.total = total
        self.resumed = done
        self.done = done
        self.successes = 0
        self.finished = 0
        self.primitive_calls = 0
        self.tokens = 0
        self.crashed = 0
        self._start = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if not self.plain:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=self.console,
            )
            self._task = self._progress.add_task(description, total=total, completed=done, stats="")
            self._progress.start()

    def stats_text(self) -> str:
        """``"success 7/10 (70%) · 123 primitive calls · 45.6k model tokens"`` for this process's episodes."""
        rate = f" ({self.successes / self.finished:.0%})" if self.finished else ""
        tokens = f"{self.tokens / 1000:.1f}k" if self.tokens >= 1000 else str(self.tokens)
        tokens_text = f" · {tokens} model tokens" if self.tokens else ""  # none without a model
        crashed = f" · {self.crashed} crashed" if self.crashed else ""
        return (
            f"success {self.successes}/{self.finished}{rate} · {self.primitive_calls} primitive "
            f"calls{tokens_text}{crashed}"
        )

    def eta_seconds(self) -> float | None:
        """Estimated seconds left from this process's rate, or None before the first episode."""
        if self.finished == 0:
            return None
        rate = (time.monotonic() - self._start) / self.finished
        return max(self.total - self.done, 0) * rate

    def update(self, record: EpisodeRecord) -> None:
        """Count one finished episode and refresh the display."""
        self.done += 1
        self.finished += 1
        self.successes += record.success
        self.crashed += record.status == "crashed"
        self.primitive_calls += record.primitive_calls
        self.tokens += record.tokens_in + record.tokens_out
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self.done, stats=self.stats_text())
            return
        eta = self.eta_seconds()
        left = f" · ~{_duration(eta)} left" if eta is not None and self.done < self.total else ""
        self.console.print(
            f"[{self.done}/{self.total}] {record.key}: {record.status} · {self.stats_text()}{left}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )

    def close(self) -> None:
        """Stop the live display (idempotent)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> BenchProgress:
        """Use as a context manager; closes on exit."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the display."""
        self.close()
