"""Run arbitrary code in a jailed worker with the real os/socket/ctypes (assume-escape tests)."""

from __future__ import annotations

from typing import Any

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import SandboxLimits, WorkerPool
from codepolicy.sandbox.result import ExecutionResult
from codepolicy.sandbox.session import Session


class UnrestrictedSession(Session):
    """A session whose program skips every Python-level wall (needs ``WorkerPool(testing=True)``)."""

    def _start_message(self) -> dict[str, Any]:
        return {**super()._start_message(), "unrestricted": True}


def run_escaped(
    code: str, pool: WorkerPool, limits: SandboxLimits | None = None
) -> ExecutionResult:
    """Run ``code`` unvetted with real builtins and modules; only the OS jail holds it."""
    limits = limits or SandboxLimits(wall_seconds=10, cpu_seconds=3)
    with UnrestrictedSession(
        code, Registry(), lambda spec, args: None, limits=limits, pool=pool, vet=False
    ) as session:
        return session.run()
