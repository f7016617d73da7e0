"""codepolicy: code as policies for robots, run step by step in a sandbox.

The Python API (imported on first use, so ``import codepolicy`` stays cheap):

- :func:`run_episode` — one episode end to end (``codepolicy run`` as a function).
- :class:`RunSettings`, :class:`Pipeline`, :class:`EpisodeResult` — the episode pipeline.
- :class:`LLMOptions` — model options of the ``llm`` planner.
- :func:`run_benchmark`, :class:`BenchmarkSettings` — ``codepolicy bench`` as a function.
- :class:`ConfigError` — the one error type for bad configuration.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "run_episode": "codepolicy.pipeline",
    "RunSettings": "codepolicy.pipeline",
    "Pipeline": "codepolicy.pipeline",
    "EpisodeResult": "codepolicy.pipeline",
    "LLMOptions": "codepolicy.planning.planners",
    "run_benchmark": "codepolicy.bench.benchmark",
    "BenchmarkSettings": "codepolicy.bench.benchmark",
    "ConfigError": "codepolicy.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'codepolicy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
