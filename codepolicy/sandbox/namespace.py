"""The globals a program runs with: curated builtins, import facades, primitive stubs, capped print.

Built in the worker after ``start`` (the seed is known then) and before the audit hook closes the
interpreter. Each primitive is a stub that encodes its arguments, sends a ``call`` and blocks for the
host's ``return`` or ``raise``.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from codepolicy.primitives.errors import CATCHABLE_ERRORS, PrimitiveError
from codepolicy.sandbox import codec, policy, safe_numpy
from codepolicy.sandbox.channel import Channel, die, program_line, scrub
from codepolicy.sandbox.policy import EXIT_OK, EXIT_PROTOCOL


class _Output:
    """The program's ``print``: sends text to the host, capped."""

    def __init__(self, channel: Channel, cap: int) -> None:
        self.channel = channel
        self.cap = cap
        self.used = 0

    def print(self, *args: Any, sep: str | None = " ", end: str | None = "\n") -> None:
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise TypeError("sep and end must be strings")
        text = scrub(sep.join(str(a) for a in args) + end)
        remaining = self.cap - self.used
        if len(text) > remaining:
            self.channel.send({"type": "print", "text": text[: remaining + 1]})
            self.channel.send({"type": "limit", "what": "output"})
            os._exit(EXIT_OK)
        self.used += len(text)
        self.channel.send({"type": "print", "text": text})


_HASHABLE_PLAIN = (int, float, complex, str, bool, type(None))


def _safe_repr(obj: Any) -> str:
    return scrub(repr(obj))


def _safe_format(obj: Any, spec: str = "") -> str:
    return scrub(format(obj, spec))


def _safe_hash(obj: Any) -> int:
    """``hash`` of plain values only: the hash of a function or object is its address."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | frozenset):
            stack.extend(item)
        elif not isinstance(item, _HASHABLE_PLAIN):
            raise TypeError("hash() is only available for numbers, strings and tuples of them")
    return hash(obj)


def _safe_type(obj: Any, *rest: Any) -> type:
    """``type(x)`` without the three-argument form and without handing out metaclasses."""
    if rest:
        raise TypeError("only the one-argument form type(x) is available in the sandbox")
    cls = type(obj)
    if issubclass(cls, type):
        raise TypeError("type() of a class is not available in the sandbox")
    if cls is safe_numpy.REAL_NDARRAY:
        return safe_numpy.ndarray
    return cls


def _make_stub(
    name: str, channel: Channel, errors: Mapping[str, type[Exception]]
) -> Callable[..., Any]:
    def stub(*args: Any, **kwargs: Any) -> Any:
        try:
            enc_args = [codec.encode_value(a) for a in args]
            enc_kwargs = {k: codec.encode_value(v) for k, v in kwargs.items()}
            codec.check_size([enc_args, enc_kwargs], codec.Budget(codec.MAX_CALL_ELEMENTS))
        except codec.CodecError as exc:
            raise errors["invalid_argument"](f"{name}(): {exc}") from None
        line = program_line(sys._getframe(1))
        channel.send(
            {"type": "call", "name": name, "args": enc_args, "kwargs": enc_kwargs, "line": line}
        )
        reply = channel.receive()
        kind = reply.get("type")
        if kind == "return":
            return codec.decode_value(reply.get("value"))
        if kind == "raise":
            cls = errors.get(str(reply.get("code")), PrimitiveError)
            raise cls(str(reply.get("message", "")))
        die(EXIT_PROTOCOL)

    stub.__name__ = stub.__qualname__ = name
    return stub


def build_globals(
    start: dict[str, Any], channel: Channel, facades: dict[str, Any]
) -> dict[str, Any]:
    """The program's globals: safe builtins, preloaded facades, shapes and one stub a primitive."""
    output = _Output(channel, int(start["limits"]["max_output_bytes"]))
    safe: dict[str, Any] = {
        name: getattr(builtins, name)
        for name in policy.SAFE_BUILTIN_FUNCTIONS + policy.SAFE_EXCEPTION_NAMES
        if name not in ("print", "type")
    }
    safe["print"] = output.print
    safe["type"] = _safe_type
    safe["repr"] = _safe_repr
    safe["format"] = _safe_format
    safe["hash"] = _safe_hash
    for cls in CATCHABLE_ERRORS:
        safe[cls.__name__] = cls

    def safe_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        if level != 0:
            raise ImportError("relative imports are not allowed")
        if name in facades:
            return facades[name]
        if name in ("numpy.linalg", "numpy.random") and fromlist:
            return getattr(facades["numpy"], name.split(".")[1])
        raise ImportError(f"import of '{name}' is not allowed in the sandbox")

    safe["__import__"] = safe_import
    errors = {cls.code: cls for cls in CATCHABLE_ERRORS}
    globs: dict[str, Any] = {"__builtins__": safe, "__name__": "__main__"}
    for alias, module in policy.PRELOADED_NAMES.items():
        globs[alias] = facades[module]
    globs.update(safe_numpy.make_shapes())
    for name in start["primitives"]:
        globs[name] = _make_stub(str(name), channel, errors)
    return globs
