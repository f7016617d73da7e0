"""Render a run's summary.json as Markdown tables (overall, by family, by split, by variant).

Usage: python scripts/baseline_table.py RUN_DIR [--scenarios]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--scenarios", action="store_true", help="Also list every scenario.")
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
    print("\n\n".join(parts))


if __name__ == "__main__":
    main()
