"""Messages between host and worker, validated on the host with pydantic.

Worker -> host messages are untrusted: the host parses each line with a size cap, then validates it
against :data:`WorkerMessage` (unknown fields or wrong types are protocol violations).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


LayerState = tuple[bool, Annotated[str, Field(max_length=300)]]


class ReadyMsg(_Msg):
    """The worker has imported numpy, entered its jail and waits for ``start``.

    ``layers`` is sent before any program code has run in the worker, so it can be believed.
    """

    type: Literal["ready"]
    layers: dict[Annotated[str, Field(max_length=40)], LayerState] = Field(
        default_factory=dict, max_length=40
    )


class CallMsg(_Msg):
    """A primitive call from the program."""

    type: Literal["call"]
    name: str = Field(max_length=200)
    args: list[Any] = Field(max_length=1000)
    kwargs: dict[str, Any]
    line: int | None = None


class PrintMsg(_Msg):
    """Program output."""

    type: Literal["print"]
    text: str


class DoneMsg(_Msg):
    """The program ran to its end."""

    type: Literal["done"]
    kept: dict[Annotated[str, Field(max_length=200)], Any] = Field(
        default_factory=dict, max_length=1000, description="Variables a session keeps (codec form)."
    )


class ErrorMsg(_Msg):
    """An uncaught exception ended the program."""

    type: Literal["error"]
    exc_type: str = Field(max_length=200)
    message: str = Field(max_length=10_000)
    line: int | None = None
    trace: list[tuple[int, Annotated[str, Field(max_length=200)]]] = Field(max_length=64)
    category: Literal["exception", "memory", "recursion"]


class LimitMsg(_Msg):
    """The worker hit a limit it enforces itself (``line``: the program line running then)."""

    type: Literal["limit"]
    what: Literal["output", "cpu"]
    line: int | None = None


WorkerMessage = Annotated[
    ReadyMsg | CallMsg | PrintMsg | DoneMsg | ErrorMsg | LimitMsg, Field(discriminator="type")
]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(WorkerMessage)


class ProtocolViolation(Exception):
    """The worker sent something that is not a valid message."""


def parse_worker_message(line: bytes) -> Any:
    """Parse and validate one line from the worker.

    Raises:
        ProtocolViolation: not UTF-8, not JSON, not an object, or not a valid message.
    """
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolViolation(f"not a JSON line: {exc}"[:300]) from None
    if not isinstance(data, dict):
        raise ProtocolViolation("message is not a JSON object")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise ProtocolViolation(f"invalid message: {exc.errors()[0]['msg']}"[:300]) from None
    except RecursionError:
        raise ProtocolViolation("message nested too deeply") from None


def parse_ready(line: bytes) -> dict[str, tuple[bool, str]]:
    """The jail layers of a worker's ``ready`` line.

    Raises:
        ProtocolViolation: the line is not a valid ``ready`` message.
    """
    msg = parse_worker_message(line)
    if not isinstance(msg, ReadyMsg):
        raise ProtocolViolation(f"expected 'ready', got {msg.type!r}")
    return dict(msg.layers)


def encode_host_message(msg: dict[str, Any]) -> bytes:
    """One host -> worker line."""
    return (json.dumps(msg, separators=(",", ":"), allow_nan=True) + "\n").encode()


def start_message(
    program: str,
    *,
    seed: int,
    primitives: list[str],
    limits: dict[str, Any],
    carry: dict[str, Any],
    prelude: str,
    keep: bool,
) -> dict[str, Any]:
    """The host's ``start`` message: the program and everything the worker sets up before it.

    Args:
        program: Program source.
        seed: Seeds the program's ``random`` and ``np.random``.
        primitives: Names to bind to primitive stubs.
        limits: The worker's view of the limits (``SandboxLimits.worker_view()``).
        carry: Variables set before the program runs, already encoded with the codec.
        prelude: Function definitions run first under their own file name.
        keep: Whether the worker reports the program's variables with ``done``.
    """
    return {
        "type": "start",
        "program": program,
        "seed": seed,
        "primitives": primitives,
        "limits": limits,
        "carry": carry,
        "prelude": prelude,
        "keep": keep,
    }
