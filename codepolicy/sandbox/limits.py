"""Resource limits of one sandboxed run."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from codepolicy.sandbox import policy

REQUIRE_JAIL_ENV = "CODEPOLICY_REQUIRE_JAIL"
"""Environment variable: ``1`` makes ``require_jail`` the default (``--require-jail`` sets it)."""


def require_jail_default() -> bool:
    """Whether this process (or its parent) asked for the full jail everywhere."""
    return os.environ.get(REQUIRE_JAIL_ENV, "").strip().lower() in ("1", "true", "yes")


class SandboxLimits(BaseModel):
    """Limits enforced on a program run (by the worker's rlimits and, independently, the host).

    ``wall_seconds`` counts only the time the program itself runs: time the host spends inside the
    dispatcher (e.g. simulating physics) or idle between :meth:`Session.step` calls is excluded.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    wall_seconds: float = Field(10.0, gt=0, description="Program run time (host-enforced).")
    cpu_seconds: int = Field(5, ge=1, description="CPU seconds (RLIMIT_CPU in the worker).")
    memory_mb: int = Field(
        512,
        ge=128,
        description="Address space of the worker (RLIMIT_AS); numpy itself needs ~100 MB.",
    )
    max_calls: int = Field(1000, ge=0, description="Primitive calls; one more is budget_exceeded.")
    max_output_bytes: int = Field(65_536, ge=0, description="Printed/said characters.")
    max_message_bytes: int = Field(1_000_000, ge=1024, description="One worker message.")
    recursion_limit: int = Field(300, ge=50, le=5000)
    max_open_files: int = Field(16, ge=8, le=256)
    startup_seconds: float = Field(10.0, gt=0, description="Waiting for a worker to be ready.")
    require_jail: bool = Field(
        default_factory=require_jail_default,
        description="Refuse to run unless every OS jail layer is active (real robots: always).",
    )
    call_seconds: float = Field(
        5.0,
        gt=0,
        description="Host time to decode and validate one call's arguments; counts toward "
        "wall_seconds.",
    )
    output_primitives: tuple[str, ...] = Field(
        policy.OUTPUT_PRIMITIVES,
        description="Primitives whose string arguments count as output (e.g. 'say').",
    )

    def worker_view(self) -> dict[str, int]:
        """The subset the worker applies itself."""
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_mb": self.memory_mb,
            "max_output_bytes": self.max_output_bytes,
            "recursion_limit": self.recursion_limit,
            "max_open_files": self.max_open_files,
        }
