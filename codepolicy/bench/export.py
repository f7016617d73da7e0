"""Export every planning attempt of a run as JSONL for fine-tuning.

One line per round that has the messages sent or the model's answer::

    {"messages": [...system/user..., {"role": "assistant", "content": <answer>}],
     "program": ..., "feedback": ..., "reward": ..., "success": ..., "status": ...,
     "model": ..., "usage": {"tokens_in": ..., "tokens_out": ...},
     "scenario": ..., "seed": ..., "variant": ..., "round": ..., "key": ...}

``messages`` are the chat messages sent for the attempt followed by the model's answer as the
assistant turn (when the answer was recorded). ``success`` and ``reward`` are the attempt's own.

Example:
    >>> list(export_lines([]))
    []
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepolicy.bench.record import EpisodeRecord, Round


def attempt(record: EpisodeRecord, rnd: Round) -> dict[str, Any]:
    """The export object of one round of one episode."""
    messages = [dict(m) for m in rnd.messages or []]
    if rnd.completion is not None:
        messages.append({"role": "assistant", "content": rnd.completion})
    return {
        "messages": messages,
        "program": rnd.program,
        "feedback": rnd.feedback,
        "reward": rnd.reward,
        "success": rnd.success,
        "status": rnd.status,
        "model": rnd.model or record.model,
        "usage": {"tokens_in": rnd.tokens_in, "tokens_out": rnd.tokens_out},
        "scenario": record.scenario,
        "seed": record.seed,
        "variant": record.variant,
        "round": rnd.index,
        "key": record.key,
    }


def export_lines(
    records: Iterable[EpisodeRecord], *, only_success: bool = False
) -> Iterator[dict[str, Any]]:
    """Export objects of every round with messages or an answer (only successful ones if asked)."""
    for record in records:
        for rnd in record.rounds:
            if rnd.messages is None and rnd.completion is None:
                continue
            if only_success and not rnd.success:
                continue
            yield attempt(record, rnd)


@dataclass(frozen=True)
class Exportable:
    """What a run holds for export, and why rounds are left out.

    Attributes:
        attempts: Rounds that would be written.
        without_model: Rounds no model wrote (oracle or a program file): no messages to export.
        not_successful: Model rounds left out by ``only_success``.
        planners: The planners of the records without a model round.
    """

    attempts: int
    without_model: int
    not_successful: int
    planners: tuple[str, ...]

    def why_empty(self) -> str | None:
        """A sentence saying why nothing would be exported, or None when something would."""
        if self.attempts:
            return None
        if self.without_model and not self.not_successful:
            who = " / ".join(self.planners) or "no model"
            return (
                f"none of the run's {self.without_model} rounds was written by a model (planner: "
                f"{who}), so there are no messages and answers to export; export a run made "
                "with --planner llm"
            )
        if self.not_successful:
            return (
                f"--only-success left out all {self.not_successful} model-written rounds: none "
                "achieved its task"
            )
        return "the run has no rounds"


def count_exportable(records: Iterable[EpisodeRecord], *, only_success: bool = False) -> Exportable:
    """Count what :func:`export_lines` would write and what it would leave out."""
    attempts = without = unsuccessful = 0
    planners: dict[str, None] = {}
    for record in records:
        for rnd in record.rounds:
            if rnd.messages is None and rnd.completion is None:
                without += 1
                planners[record.planner or "unknown"] = None
            elif only_success and not rnd.success:
                unsuccessful += 1
            else:
                attempts += 1
    return Exportable(attempts, without, unsuccessful, tuple(planners))


def write_export(
    records: Iterable[EpisodeRecord], out: str | Path, *, only_success: bool = False
) -> int:
    """Write the export JSONL to ``out`` atomically; returns the number of lines."""
    out = Path(out)
    if out.parent != Path():
        out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    count = 0
    with open(tmp, "w", encoding="utf-8") as handle:
        for obj in export_lines(records, only_success=only_success):
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
            count += 1
    os.replace(tmp, out)
    return count
