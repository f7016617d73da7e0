"""Appends records to a run directory in a loop, printing ``ack KEY`` after each durable append.

Used by the kill -9 test: ``python append_worker.py DIR COUNT PAD [PREFIX]`` (PAD: program size
in bytes; PREFIX names the scenario, so several workers can write distinct episodes).
"""

from __future__ import annotations

import sys

from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.bench.store import ResultsStore


def main() -> None:
    directory, count, pad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    prefix = sys.argv[4] if len(sys.argv) > 4 else "s"
    store = ResultsStore(directory)
    program = "move('x')\n" * (pad // 10)
    for i in range(count):
        record = EpisodeRecord(
            key=f"{prefix}|{i}|v",
            scenario=prefix,
            family="f",
            instruction_split="seen",
            attribute_split="seen",
            difficulty="easy",
            seed=i,
            instruction="i",
            variant="v",
            status="failed",
            success=False,
            executable=True,
            reward=0.0,
            rounds=[Round(index=0, program=program, status="failed")],
        )
        if store.append(record):
            sys.stdout.write(f"ack {record.key}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
