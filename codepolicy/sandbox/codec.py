"""The value codec shared by host and worker: Python values <-> JSON-compatible data.

Plain JSON values pass through. Everything else is a JSON object with the marker key ``"$cp"``:

* ``{"$cp": "ndarray", "dtype": "<f8", "shape": [3], "b64": "..."}`` -- numeric numpy arrays,
  rebuilt read-only;
* ``{"$cp": "tuple", "items": [...]}`` -- tuples stay tuples;
* ``{"$cp": "record", "type": "ObjectInfo", "fields": {...}}`` -- dataclasses, pydantic models
  and named tuples from the host, rebuilt in the worker as read-only :class:`Record` objects with
  attribute access (``obj.name``);
* ``{"$cp": "dict", "items": [[k, v], ...]}`` -- dicts whose keys are not all strings (or that
  contain the marker key).

Decoding checks depth, element counts, dtypes and buffer sizes and raises :class:`CodecError` on
anything malformed: the host decodes untrusted data with it. This module imports only the standard
library and numpy, because the worker imports it at start-up.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import math
from typing import Any

import numpy as np

MARKER = "$cp"
MAX_DEPTH = 32
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_DIM = 1_000_000
"""Largest length of one array dimension."""
MAX_NDIM = 8
MAX_ELEMENTS = 1_000_000
"""Element budget of one decoded value tree: array cells (an empty dimension counts as 1, so
``np.zeros((10**7, 0))`` costs 10**7), list/tuple/dict items and strings each count."""
MAX_CALL_ELEMENTS = 20_000
"""Element budget of the arguments of one primitive call (decoded and validated on the host):
a call's arguments are positions, names and small arrays; more is an amplification attempt."""
MAX_STRING = 100_000
"""Longest string (characters) in a decoded value."""
_ALLOWED_DTYPE_KINDS = frozenset("biuf")


class CodecError(ValueError):
    """A value cannot be encoded, or encoded data is malformed."""


class Record:
    """A read-only record with attribute and item access, e.g. ``obj.name`` or ``obj["name"]``."""

    __slots__ = ("_fields", "_type")

    def __init__(self, type_name: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_fields", dict(fields))

    def __getattr__(self, name: str) -> Any:
        fields = object.__getattribute__(self, "_fields")
        if name in fields:
            return fields[name]
        type_name = object.__getattribute__(self, "_type")
        raise AttributeError(f"'{type_name}' has no field '{name}'; fields: {', '.join(fields)}")

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"'{self._type}' is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"'{self._type}' is read-only")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        if self._type != other._type or self._fields.keys() != other._fields.keys():
            return False
        for key, mine in self._fields.items():
            theirs = other._fields[key]
            if isinstance(mine, np.ndarray) or isinstance(theirs, np.ndarray):
                if not np.array_equal(mine, theirs):
                    return False
            elif mine != theirs:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields.items())
        return f"{self._type}({inner})"

    def fields(self) -> dict[str, Any]:
        """A copy of the fields as a dict."""
        return dict(self._fields)


def _encode_array(arr: np.ndarray) -> dict[str, Any]:
    if arr.dtype.kind not in _ALLOWED_DTYPE_KINDS:
        if arr.dtype.kind == "O":
            return {MARKER: "tuple", "items": [encode_value(v) for v in arr.tolist()]}
        raise CodecError(f"arrays of dtype {arr.dtype} cannot be passed")
    data = np.ascontiguousarray(arr)
    return {
        MARKER: "ndarray",
        "dtype": data.dtype.str,
        "shape": list(data.shape),
        "b64": base64.b64encode(data.tobytes()).decode("ascii"),
    }


def _record_fields(value: Any) -> tuple[str, dict[str, Any]] | None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return type(value).__name__, fields
    model_fields = getattr(type(value), "model_fields", None)
    if isinstance(model_fields, dict):  # pydantic v2 model
        return type(value).__name__, {name: getattr(value, name) for name in model_fields}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # NamedTuple
        return type(value).__name__, dict(zip(value._fields, value, strict=True))
    if isinstance(value, Record):
        return object.__getattribute__(value, "_type"), value.fields()
    return None


def encode_value(value: Any, depth: int = 0) -> Any:
    """Encode ``value`` into JSON-compatible data.

    Raises:
        CodecError: the value (or a part of it) has a type that cannot cross the boundary.
    """
    if depth > MAX_DEPTH:
        raise CodecError("value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic):
        if isinstance(value, (np.bool_, np.integer, np.floating)):
            return value.item()
        raise CodecError(f"values of type {type(value).__name__} cannot be passed")
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, enum.Enum):
        return encode_value(value.value, depth + 1)
    record = _record_fields(value)
    if record is not None:
        type_name, fields = record
        return {
            MARKER: "record",
            "type": type_name,
            "fields": {k: encode_value(v, depth + 1) for k, v in fields.items()},
        }
    if isinstance(value, tuple):
        return {MARKER: "tuple", "items": [encode_value(v, depth + 1) for v in value]}
    if isinstance(value, (list, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [encode_value(v, depth + 1) for v in items]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and MARKER not in value:
            return {k: encode_value(v, depth + 1) for k, v in value.items()}
        return {
            MARKER: "dict",
            "items": [
                [encode_value(k, depth + 1), encode_value(v, depth + 1)] for k, v in value.items()
            ],
        }
    raise CodecError(f"values of type {type(value).__name__} cannot be passed")


class Budget:
    """What one decode may still build (shared by all arguments of one call)."""

    __slots__ = ("left", "limit")

    def __init__(self, elements: int = MAX_ELEMENTS) -> None:
        self.left = elements
        self.limit = elements

    def take(self, n: int) -> None:
        """Spend ``n`` elements.

        Raises:
            CodecError: the budget is exhausted.
        """
        self.left -= n
        if self.left < 0:
            raise CodecError(f"value too large: more than {self.limit} elements in total")


def _decode_array(data: dict[str, Any], writable: bool, budget: Budget) -> np.ndarray:
    if set(data) != {MARKER, "dtype", "shape", "b64"}:
        raise CodecError("malformed ndarray")
    dtype_text, shape, b64 = data["dtype"], data["shape"], data["b64"]
    if not isinstance(dtype_text, str) or not isinstance(b64, str) or not isinstance(shape, list):
        raise CodecError("malformed ndarray")
    if len(dtype_text) > 8 or len(shape) > MAX_NDIM:
        raise CodecError(f"malformed ndarray (at most {MAX_NDIM} dimensions)")
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        raise CodecError(f"bad dtype {dtype_text!r}") from None
    if dtype.kind not in _ALLOWED_DTYPE_KINDS or dtype.fields is not None or dtype.subdtype:
        raise CodecError(f"dtype {dtype_text!r} not allowed")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise CodecError("bad ndarray shape")
    if any(n > MAX_DIM for n in shape):
        raise CodecError(f"ndarray dimension longer than {MAX_DIM}")
    budget.take(math.prod(max(n, 1) for n in shape))
    count = math.prod(shape)
    if count * dtype.itemsize > MAX_ARRAY_BYTES or len(b64) > MAX_ARRAY_BYTES * 2:
        raise CodecError("ndarray too large")
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError:
        raise CodecError("bad ndarray data") from None
    if len(raw) != count * dtype.itemsize:
        raise CodecError("ndarray data does not match its shape")
    arr = np.frombuffer(raw, dtype=dtype).reshape(shape)
    if writable:
        return arr.copy()
    return arr  # frombuffer over bytes: already read-only


def decode_value(
    data: Any,
    *,
    records_as_dicts: bool = False,
    depth: int = 0,
    budget: Budget | None = None,
) -> Any:
    """Decode data made by :func:`encode_value`, within size limits.

    Args:
        data: Parsed JSON.
        records_as_dicts: Host side: decode records as plain dicts (type name dropped), so that
            pydantic can validate them against a primitive's parameter types. Worker side (false):
            rebuild them as :class:`Record` objects; arrays are then read-only.
        depth: Current nesting depth (internal).
        budget: Element budget shared across several calls (default: a fresh one).

    Raises:
        CodecError: malformed or oversized data (depth, dimensions, elements, string length).
    """
    return _decode(data, records_as_dicts, depth, budget or Budget())


def _take_node(data: Any, depth: int, budget: Budget) -> None:
    """Charge one node of encoded data to ``budget``, refusing deep nesting and long strings."""
    if depth > MAX_DEPTH:
        raise CodecError(f"value is nested too deeply (more than {MAX_DEPTH} levels)")
    budget.take(1)
    if isinstance(data, str) and len(data) > MAX_STRING:
        raise CodecError(f"string longer than {MAX_STRING} characters")


def _decode(data: Any, as_dicts: bool, depth: int, budget: Budget) -> Any:
    _take_node(data, depth, budget)
    if isinstance(data, str):
        return data
    if data is None or isinstance(data, (bool, int, float)):
        return data
    if isinstance(data, list):
        budget.take(len(data))
        return [_decode(v, as_dicts, depth + 1, budget) for v in data]
    if not isinstance(data, dict):
        raise CodecError(f"unexpected JSON type {type(data).__name__}")
    budget.take(len(data))
    kind = data.get(MARKER)
    if kind is None:
        return {_key(k): _decode(v, as_dicts, depth + 1, budget) for k, v in data.items()}
    if kind == "ndarray":
        return _decode_array(data, as_dicts, budget)
    if kind == "tuple":
        items = data.get("items")
        if set(data) != {MARKER, "items"} or not isinstance(items, list):
            raise CodecError("malformed tuple")
        budget.take(len(items))
        return tuple(_decode(v, as_dicts, depth + 1, budget) for v in items)
    if kind == "record":
        type_name, fields = data.get("type"), data.get("fields")
        if (
            set(data) != {MARKER, "type", "fields"}
            or not isinstance(type_name, str)
            or not isinstance(fields, dict)
            or len(type_name) > 100
        ):
            raise CodecError("malformed record")
        budget.take(len(fields))
        decoded = {_key(k): _decode(v, as_dicts, depth + 1, budget) for k, v in fields.items()}
        return decoded if as_dicts else Record(type_name, decoded)
    if kind == "dict":
        items = data.get("items")
        if set(data) != {MARKER, "items"} or not isinstance(items, list):
            raise CodecError("malformed dict")
        budget.take(len(items))
        out: dict[Any, Any] = {}
        for pair in items:
            if not isinstance(pair, list) or len(pair) != 2:
                raise CodecError("malformed dict item")
            key = _decode(pair[0], as_dicts, depth + 1, budget)
            try:
                out[key] = _decode(pair[1], as_dicts, depth + 1, budget)
            except TypeError:
                raise CodecError("unhashable dict key") from None
        return out
    raise CodecError(f"unknown marker {str(kind)[:40]!r}")


def _key(key: Any) -> str:
    text = str(key)
    if len(text) > MAX_STRING:
        raise CodecError(f"string longer than {MAX_STRING} characters")
    return text


def check_size(data: Any, budget: Budget | None = None, depth: int = 0) -> None:
    """Check encoded ``data`` against the decode limits without building anything.

    The worker calls this before sending a call, so a program passing an oversized value gets a
    catchable error instead of the host treating the message as a protocol violation.

    Raises:
        CodecError: the value would be refused by :func:`decode_value`.
    """
    budget = budget or Budget()
    _take_node(data, depth, budget)
    if isinstance(data, list):
        budget.take(len(data))
        for item in data:
            check_size(item, budget, depth + 1)
    elif isinstance(data, dict):
        if data.get(MARKER) == "ndarray":
            shape = data.get("shape") or []
            if len(shape) > MAX_NDIM or any(n > MAX_DIM for n in shape):
                raise CodecError(
                    f"array shape {tuple(shape)} too large (at most {MAX_NDIM} dimensions "
                    f"of at most {MAX_DIM})"
                )
            budget.take(math.prod(max(int(n), 1) for n in shape))
            return
        budget.take(len(data))
        for key, value in data.items():
            check_size(key, budget, depth + 1)
            check_size(value, budget, depth + 1)
