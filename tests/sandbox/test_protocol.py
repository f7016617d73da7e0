"""The host treats every worker message as untrusted: forged messages from fake workers."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import (
    ErrorKind,
    ExecutionResult,
    SandboxLimits,
    Session,
    Status,
    WorkerPool,
)
from codepolicy.sandbox.codec import CodecError, Record, decode_value, encode_value

FAKE = Path(__file__).parent / "fake_worker.py"


def big_reply(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
    """1 MB answers, so that a worker that does not read them fills the pipe."""
    return np.zeros(128 * 1024) if spec.name == "get_object_position" else None


def run_fake(mode: str, registry: Registry) -> ExecutionResult:
    limits = SandboxLimits(wall_seconds=2, startup_seconds=2)
    with (
        WorkerPool(size=0, command=[sys.executable, str(FAKE), mode]) as pool,
        Session("grasp('cube')\n", registry, big_reply, limits, pool=pool) as session,
    ):
        return session.run()


@pytest.mark.parametrize(
    "mode",
    [
        "garbage",
        "binary",
        "not_object",
        "oversized_no_newline",
        "oversized_line",
        "unknown_field",
        "unknown_type",
        "wrong_field_type",
        "unknown_primitive",
        "bad_ndarray",
        "huge_ndarray",
        "deep_json",
        "ready_again",
        "done_keeps_running",
        "done_then_more",
        "empty_array_bomb",
        "many_empty_dims",
        "string_bomb",
        "forged_reply",
        "forged_start",
    ],
)
def test_protocol_violations(mode: str, registry: Registry) -> None:
    t0 = time.perf_counter()
    result = run_fake(mode, registry)
    assert result.status is Status.error, result
    assert result.error is not None
    assert result.error.kind is ErrorKind.protocol_violation
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize(
    ("mode", "status", "kind"),
    [
        ("crash", Status.error, ErrorKind.worker_crash),
        ("segfault", Status.error, ErrorKind.worker_crash),
        ("silent", Status.timeout, ErrorKind.timeout),
        ("never_ready", Status.error, ErrorKind.worker_crash),
        ("print_flood", Status.resource_limit, ErrorKind.output),
        ("never_reads_replies", Status.timeout, ErrorKind.timeout),
    ],
)
def test_dead_or_silent_workers(
    mode: str, status: Status, kind: ErrorKind, registry: Registry
) -> None:
    result = run_fake(mode, registry)
    assert result.status is status
    assert result.error is not None and result.error.kind is kind


def test_stderr_flood_does_not_deadlock(registry: Registry) -> None:
    result = run_fake("stderr_flood", registry)
    assert result.status is Status.completed
    assert 0 < len(result.worker_stderr) <= 4000


def test_forged_line_number_is_dropped(registry: Registry) -> None:
    result = run_fake("fake_line", registry)
    assert result.status is Status.completed
    assert result.events[0].line is None


def test_files_left_in_worker_dir_are_reported(registry: Registry) -> None:
    result = run_fake("file_in_cwd", registry)
    assert result.worker_files == ["left_behind.txt"]


def test_codec_round_trip() -> None:
    value = {
        "a": (1, 2.5, "x", None, True),
        "arr": np.arange(6, dtype=np.int32).reshape(2, 3),
        1: [np.float64(2.0)],
    }
    back = decode_value(encode_value(value))
    assert back["a"] == (1, 2.5, "x", None, True)
    assert back["arr"].dtype == np.int32 and back["arr"].shape == (2, 3)
    assert not back["arr"].flags.writeable
    assert back[1] == [2.0]


def test_codec_records() -> None:
    from sandbox_helpers import ObjectInfo

    enc = encode_value(ObjectInfo("cube", np.zeros(3)))
    rec = decode_value(enc)
    assert isinstance(rec, Record) and rec.name == "cube" and rec["graspable"] is True
    with pytest.raises(AttributeError):
        rec.name = "x"
    with pytest.raises(AttributeError, match="no field 'colour'"):
        rec.colour  # noqa: B018
    assert decode_value(enc, records_as_dicts=True)["name"] == "cube"


@pytest.mark.parametrize(
    "data",
    [
        {"$cp": "ndarray", "dtype": "O", "shape": [1], "b64": ""},
        {"$cp": "ndarray", "dtype": "<f8", "shape": [2], "b64": "AAAA"},
        {"$cp": "ndarray", "dtype": "<f8", "shape": [-1], "b64": ""},
        {"$cp": "ndarray", "dtype": "<f8", "shape": [1], "b64": "", "x": 1},
        {"$cp": "tuple", "items": 5},
        {"$cp": "record", "type": 1, "fields": {}},
        {"$cp": "dict", "items": [[[1], 2]]},
        {"$cp": "evil"},
    ],
)
def test_codec_rejects_malformed(data: object) -> None:
    with pytest.raises(CodecError):
        decode_value(data, records_as_dicts=True)


def test_codec_refuses_functions() -> None:
    with pytest.raises(CodecError):
        encode_value(print)
