"""Export of every attempt as JSONL for fine-tuning."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from codepolicy.bench.export import write_export
from codepolicy.bench.record import EpisodeRecord, Round

Make = Callable[..., EpisodeRecord]
SENT = [
    {"role": "system", "content": "You write robot code."},
    {"role": "user", "content": "Stack."},
]


def test_one_line_per_round_with_messages(tmp_path: Path, make_record: Make) -> None:
    rounds = [
        Round(
            index=0,
            program="bad()",
            status="error",
            messages=SENT,
            completion="bad()",
            feedback="Error: NameError",
            tokens_in=50,
            tokens_out=5,
        ),
        Round(
            index=1,
            program="stack()",
            status="success",
            success=True,
            reward=1.0,
            messages=SENT,
            completion="stack()",
            tokens_in=80,
            tokens_out=6,
            model="m2",
        ),
    ]
    records = [
        make_record(seed=0, rounds=rounds, success=True, model="m1"),
        make_record(seed=1, rounds=[Round(index=0, program="x", status="failed")]),  # oracle: none
    ]
    out = tmp_path / "sub" / "attempts.jsonl"
    assert write_export(records, out) == 2
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    first, second = lines
    assert first["messages"] == [*SENT, {"role": "assistant", "content": "bad()"}]
    assert first["program"] == "bad()" and first["feedback"] == "Error: NameError"
    assert (first["success"], first["reward"], first["round"], first["seed"]) == (False, 0.0, 0, 0)
    assert first["model"] == "m1" and second["model"] == "m2"
    assert first["usage"] == {"tokens_in": 50, "tokens_out": 5}
    assert first["scenario"] == "stack-blocks-seen" and first["variant"] == "zero-shot"
    assert write_export(records, out, only_success=True) == 1
    (only,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert only["success"] is True and only["round"] == 1
