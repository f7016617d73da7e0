"""Module facades a program gets instead of real modules: numpy, math and a seeded ``random``.

A facade is a read-only namespace holding only curated public names (see :mod:`.policy`); it has
no file I/O, no ``ctypes``, no ``memmap``, no ``lib``/``f2py``/``testing`` and no way back to the
real module. ``np.ndarray`` is a stand-in that works with ``isinstance`` but cannot construct
arrays over raw buffers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Any

import numpy as np

from codepolicy.sandbox import policy


class Facade:
    """A read-only, module-like namespace."""

    __slots__ = ("_label", "_names")

    def __init__(self, label: str, names: dict[str, Any]) -> None:
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_names", dict(names))

    def __getattr__(self, name: str) -> Any:
        names = object.__getattribute__(self, "_names")
        if name in names:
            return names[name]
        label = object.__getattribute__(self, "_label")
        raise AttributeError(f"'{label}.{name}' is not available in the sandbox")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"'{self._label}' is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"'{self._label}' is read-only")

    def __repr__(self) -> str:
        return f"<module '{self._label}' (sandbox)>"

    def public_names(self) -> list[str]:
        """The names this facade offers."""
        return sorted(self._names)


REAL_NDARRAY: type = np.ndarray
"""The real array type; never reachable from the stand-in (no attribute of it holds it)."""


class _InstanceCheckMeta(type):
    """Metaclass making a stand-in class answer ``isinstance`` like a real numpy type."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, REAL_NDARRAY)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("np.ndarray(...) is not available in the sandbox; use np.array(...)")

    def __repr__(cls) -> str:
        return "<class 'numpy.ndarray' (sandbox)>"


class ndarray(metaclass=_InstanceCheckMeta):
    """Stand-in for ``numpy.ndarray``: usable with ``isinstance`` only."""


def _zeros_instead_of_empty(shape: Any, dtype: Any = float, order: Any = "C") -> Any:
    """``np.empty`` without uninitialised memory (which can hold addresses): zeros."""
    return np.zeros(shape, dtype=dtype, order=order)


def _pick(module: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(module, name) for name in names}


def _numpy_random(seed: int) -> Facade:
    rng = np.random.default_rng(seed)

    def rand(*shape: int) -> Any:
        return rng.random(shape) if shape else rng.random()

    def randn(*shape: int) -> Any:
        return rng.standard_normal(shape) if shape else rng.standard_normal()

    def randint(low: int, high: int | None = None, size: Any = None) -> Any:
        return rng.integers(low, high, size=size)

    names = {
        "random": rng.random,
        "rand": rand,
        "randn": randn,
        "randint": randint,
        "uniform": rng.uniform,
        "normal": rng.normal,
        "choice": rng.choice,
        "shuffle": rng.shuffle,
        "permutation": rng.permutation,
        "integers": rng.integers,
    }
    assert set(names) == set(policy.NUMPY_RANDOM)
    return Facade("numpy.random", names)


def make_numpy(seed: int) -> Facade:
    """The numpy facade, with ``np.random`` seeded by ``seed``."""
    names = _pick(np, policy.NUMPY_FUNCTIONS + policy.NUMPY_CONSTANTS)
    names.update(_pick(np, (t for t in policy.NUMPY_TYPES if t != "ndarray")))
    names["ndarray"] = ndarray
    names["empty"] = _zeros_instead_of_empty
    names["linalg"] = Facade("numpy.linalg", _pick(np.linalg, policy.NUMPY_LINALG))
    names["random"] = _numpy_random(seed)
    return Facade("numpy", names)


def make_math() -> Facade:
    """The math facade (the real functions of :mod:`math`)."""
    return Facade("math", _pick(math, policy.MATH_NAMES))


def make_random(seed: int) -> Facade:
    """A stand-in for :mod:`random`: bound methods of a ``random.Random(seed)`` instance."""
    gen = random.Random(seed)
    return Facade("random", {name: getattr(gen, name) for name in policy.RANDOM_NAMES})


def make_shapes() -> dict[str, Any]:
    """Shapely's geometry constructors and affine transforms (:data:`policy.SHAPE_NAMES`), or
    nothing where shapely is not installed."""
    try:
        import shapely.affinity
        import shapely.geometry
    except ImportError:
        return {}
    names = _pick(shapely.geometry, policy.SHAPELY_GEOMETRY_NAMES)
    transforms = _pick(shapely.affinity, policy.SHAPELY_AFFINITY_NAMES)
    return {**names, **transforms, "affinity": Facade("shapely.affinity", transforms)}


def warm_up(np_facade: Facade) -> None:
    """Call commonly used numpy paths once so lazy imports happen before lock-down."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    np_facade.linalg.norm(a)
    np_facade.linalg.inv(a)
    np_facade.linalg.solve(a, np.ones(2))
    np_facade.linalg.eig(a)
    np_facade.linalg.svd(a)
    np_facade.polyfit(np.arange(3.0), np.arange(3.0), 1)
    np_facade.unique(np.array([1, 1, 2]))
    np_facade.histogram(np.arange(4.0), bins=2)
    np_facade.percentile(np.arange(4.0), 50)
    np_facade.median(np.arange(4.0))
    np_facade.einsum("ij,ij->", a, a)
    np_facade.interp(0.5, [0.0, 1.0], [0.0, 2.0])
    np_facade.round(a, 1)
    np_facade.random.choice([1, 2])
    repr(a), str(a), repr(np.float64(1.0)), str(np.arange(3)), format(np.float64(1.5), ".2f")
