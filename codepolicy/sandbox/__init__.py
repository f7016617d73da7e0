"""Static vetting and sandboxed, steppable execution of model-written programs.

Public API (imported lazily, so that the worker process starts fast)::

    from codepolicy.sandbox import Session, SandboxLimits, vet_program, ExecutionResult, Status
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codepolicy.sandbox.limits import SandboxLimits
    from codepolicy.sandbox.pool import WorkerPool, default_pool
    from codepolicy.sandbox.result import (
        CallError,
        CallEvent,
        ErrorKind,
        ExecutionResult,
        ProgramError,
        Status,
    )
    from codepolicy.sandbox.session import DispatchResult, Session, run_program
    from codepolicy.sandbox.vetting import UndefinedFunction, VetProblem, VetReport, vet_program

_EXPORTS = {
    "SandboxLimits": "limits",
    "WorkerPool": "pool",
    "default_pool": "pool",
    "CallError": "result",
    "CallEvent": "result",
    "ErrorKind": "result",
    "ExecutionResult": "result",
    "ProgramError": "result",
    "Status": "result",
    "DispatchResult": "session",
    "Session": "session",
    "run_program": "session",
    "UndefinedFunction": "vetting",
    "VetProblem": "vetting",
    "VetReport": "vetting",
    "vet_program": "vetting",
}

__all__ = [
    "CallError",
    "CallEvent",
    "DispatchResult",
    "ErrorKind",
    "ExecutionResult",
    "ProgramError",
    "SandboxLimits",
    "Session",
    "Status",
    "UndefinedFunction",
    "VetProblem",
    "VetReport",
    "WorkerPool",
    "default_pool",
    "run_program",
    "vet_program",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'codepolicy.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(f"codepolicy.sandbox.{module}"), name)
