"""The host side of one episode: every primitive call a program makes is dispatched here.

The sandbox has already validated the call's arguments against the primitive's signature. The host
enforces the episode budget (primitive calls, simulated seconds), runs the primitive against a backend
wrapped in the safety guard, and records the simulated time each call took.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import BudgetExceeded
from codepolicy.primitives.registry import PrimitiveSpec
from codepolicy.sandbox.session import DispatchResult


@dataclass(frozen=True)
class Budget:
    """Limits of one episode.

    Attributes:
        max_calls: Primitive calls allowed; the next one ends the program.
        max_sim_seconds: Simulated seconds allowed; a call that ends past it ends the program.
    """

    max_calls: int = 100
    max_sim_seconds: float = 300.0


class EpisodeHost:
    """Dispatches primitive calls of one program run onto a primitive context.

    Args:
        ctx: The context primitives run with (its backend should be a
            :class:`~codepolicy.envs.safety.GuardedBackend`).
        budget: The episode budget.
    """

    def __init__(self, ctx: PrimitiveContext, budget: Budget) -> None:
        self.ctx = ctx
        self.budget = budget
        self.calls = 0
        self._start = ctx.backend.sim_time

    @property
    def sim_seconds(self) -> float:
        """Simulated seconds used so far by this program."""
        return self.ctx.backend.sim_time - self._start

    def dispatch(self, spec: PrimitiveSpec, args: dict[str, Any]) -> DispatchResult:
        """Run one validated call; raise :class:`BudgetExceeded` when the budget is spent."""
        if self.calls >= self.budget.max_calls:
            raise BudgetExceeded(
                f"the program made more than {self.budget.max_calls} primitive calls"
            )
        self.calls += 1
        before = self.ctx.backend.sim_time
        value = spec.impl(self.ctx, **args)
        elapsed = self.ctx.backend.sim_time - before
        if self.sim_seconds > self.budget.max_sim_seconds:
            raise BudgetExceeded(
                f"the program used {self.sim_seconds:.1f} simulated seconds; "
                f"the budget is {self.budget.max_sim_seconds:.0f} s"
            )
        return DispatchResult(value=value, sim_time=elapsed, info=self.ctx.take_notes())
