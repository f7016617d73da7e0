"""Profiles: named primitive sets a program may use (``--profile default|cap|macro|primitive|low``).

``macro``, ``primitive`` and ``low`` are the API tiers of :mod:`codepolicy.primitives.tiers`;
``primitive`` is the same profile as ``default``.
"""

from __future__ import annotations

from codepolicy.primitives.cap import CAP
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry
from codepolicy.primitives.tiers import TIERS

PROFILES: dict[str, Registry] = {"default": DEFAULT, "cap": CAP, **TIERS}


def get_profile(name: str) -> Registry:
    """The registry of profile ``name``.

    Raises:
        KeyError: with the known profile names.
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile '{name}'; known profiles: {', '.join(PROFILES)}") from None
