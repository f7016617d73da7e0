"""Benchmark results: per-episode records, crash-safe storage, statistics, summaries and reports.

Modules: :mod:`~codepolicy.bench.record` (what is stored), :mod:`~codepolicy.bench.store`
(``results.jsonl``), :mod:`~codepolicy.bench.stats`, :mod:`~codepolicy.bench.summary`,
:mod:`~codepolicy.bench.compare`, :mod:`~codepolicy.bench.report` (``report.html``),
:mod:`~codepolicy.bench.export`, :mod:`~codepolicy.bench.pricing`,
:mod:`~codepolicy.bench.provenance` (``manifest.json``) and :mod:`~codepolicy.bench.progress`.
Only the light modules are re-exported here; matplotlib is imported by the report alone.
"""

from codepolicy.bench.record import CrashInfo, EpisodeRecord, Round, RunManifest, episode_key
from codepolicy.bench.store import ResultsStore, done_keys, load_results, read_records

__all__ = [
    "CrashInfo",
    "EpisodeRecord",
    "ResultsStore",
    "Round",
    "RunManifest",
    "done_keys",
    "episode_key",
    "load_results",
    "read_records",
]
