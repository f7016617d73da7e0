"""Render a run's summary.json as Markdown tables (overall, by family, by split, by variant).

With ``--mistakes``, also count the program-level mistakes of the model's first programs per
variant (``codepolicy.feedback.diagnose``): re-defined primitives or classes, functions never
called, calls through an object that does not exist (``robot.grasp``), too many arguments.

Usage: python scripts/baseline_table.py RUN_DIR [--scenarios] [--mistakes]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def pct(stat: dict[str, Any]) -> str:
    return f"{stat['rate'] * 100:.0f}% [{stat['low'] * 100:.0f}–{stat['high'] * 100:.0f}]"


def table(title: str, groups: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"**{title}**",
        "",
        "| group | n | success [95% CI] | executable | mean reward | primitive calls | rounds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, g in groups.items():
        lines.append(
            f"| {name} | {g['n']} | {pct(g['success'])} | {g['executable']['rate'] * 100:.0f}% "
            f"| {g['mean_reward']:.2f} | {g['mean_primitive_calls']:.1f} | {g['mean_rounds']:.2f} |"
        )
    return "\n".join(lines)


def mistakes(run: Path) -> str:
    """First-round program mistakes per variant, as a Markdown table."""
    from codepolicy.feedback.diagnose import diagnose
    from codepolicy.primitives.profiles import get_profile

    counts: dict[str, dict[str, int]] = {}
    apis: dict[str, dict[str, Any]] = {}
    for line in (run / "results.jsonl").read_text().splitlines():
        record = json.loads(line)
        rounds = record.get("rounds") or []
        program = rounds[0].get("program") if rounds else None
        row = counts.setdefault(
            record["variant"],
            {"n": 0, "redefines": 0, "uncalled": 0, "prefixed": 0, "arity": 0, "no code": 0},
        )
        row["n"] += 1
        if not program:
            row["no code"] += 1
            continue
        profile = record.get("profile", "default")
        if profile not in apis:
            apis[profile] = {spec.name: spec.signature for spec in get_profile(profile)}
        d = diagnose(program, apis[profile])
        row["redefines"] += d.redefines_api
        row["uncalled"] += bool(d.uncalled)
        row["prefixed"] += bool(d.prefixed)
        row["arity"] += bool(d.arity)
    lines = [
        "**First programs: program-level mistakes**",
        "",
        "| variant | n | re-defines the API | defines never-called functions "
        "| `robot.`-style prefix | too many arguments | no code |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, c in counts.items():
        lines.append(
            f"| {name} | {c['n']} | {c['redefines']} | {c['uncalled']} | {c['prefixed']} "
            f"| {c['arity']} | {c['no code']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--scenarios", action="store_true", help="Also list every scenario.")
    parser.add_argument("--mistakes", action="store_true", help="Count program-level mistakes.")
    args = parser.parse_args()
    summary = json.loads((args.run / "summary.json").read_text())
    parts = [
        table("Overall", {"all": summary["overall"]}),
        table("By variant", summary["by_variant"]),
        table("By family", summary["by_family"]),
        table("By split (instructions/attributes)", summary["by_split"]),
    ]
    if args.scenarios:
        parts.append(table("By scenario", summary["by_scenario"]))
    parts += [f"- {c['sentence']}" for c in summary.get("comparisons", [])]
    if args.mistakes:
        parts.append(mistakes(args.run))
    print("\n\n".join(parts))


if __name__ == "__main__":
    main()
