"""Profiles: named primitive sets a program may use (``--profile default|cap|macro|primitive|low``).

``macro``, ``primitive`` and ``low`` are the API tiers of :mod:`codepolicy.primitives.tiers`;
``primitive`` is the same profile as ``default``. Profiles register by name in :data:`PROFILES`; a
separately installed package adds one through the ``codepolicy.profiles`` entry-point group (the
entry point is a primitive :class:`~codepolicy.primitives.registry.Registry`).

Example:
    >>> "pick_and_place" in get_profile("default")
    True
    >>> get_profile("bogus")
    Traceback (most recent call last):
    ...
    codepolicy.errors.ConfigError: unknown profile 'bogus'; choose one of: default, cap, macro, ...
"""

from __future__ import annotations

from codepolicy.primitives.cap import CAP
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry as PrimitiveSet
from codepolicy.primitives.tiers import TIERS
from codepolicy.registry import Registry

PROFILES: Registry[PrimitiveSet] = Registry("profile", group="codepolicy.profiles")
"""Primitive profiles by name; third-party ones load from the ``codepolicy.profiles`` group."""
for _name, _profile in {"default": DEFAULT, "cap": CAP, **TIERS}.items():
    PROFILES.register(_name, _profile)


def get_profile(name: str) -> PrimitiveSet:
    """The primitives of profile ``name``.

    Raises:
        ConfigError: unknown profile, naming the known ones.
    """
    return PROFILES.get(name)
