"""Adapters: third-party gymnasium envs (panda-gym, gymnasium-robotics Fetch) driven through the
same primitives, sandbox and feedback as our own tabletop.

An env whose action is an end-effector displacement plus a gripper command is described by a
declarative :class:`~codepolicy.envs.adapters.spec.AdapterSpec` (``specs/*.yaml``); the
:class:`AdapterBackend` servos its robot and reads its scene (privileged poses) from the spec.
The env packages are optional extras (``codepolicy[panda-gym]``, ``codepolicy[fetch]``), imported only
when an adapter world is made.
"""

from codepolicy.envs.adapters.backend import AdapterBackend
from codepolicy.envs.adapters.loading import MissingExtraError
from codepolicy.envs.adapters.spec import AdapterSpec, SpecError, get_spec, spec_names

__all__ = [
    "AdapterBackend",
    "AdapterSpec",
    "MissingExtraError",
    "SpecError",
    "get_spec",
    "spec_names",
]
