"""Our CaP-style programs on physics and on the kinematic world: success per case and agreement.

Runs every case of ``tests/planning/cap_suite.py`` (helper LMPs and generated functions answered by
its scripted model; several programs of a case share one namespace) on both worlds and prints one
line per case, the success rate per world and how often the worlds agree.

Usage: ``python benchmarks/cap_suite.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codepolicy.envs.backend import make_world
from tests.planning.cap_suite import CASES
from tests.planning.test_cap_suite import achieved, run_case


def main() -> None:
    """Run every case on both worlds and print the table."""
    wins = {"physics": 0, "kinematic": 0}
    agree = 0
    started = time.perf_counter()
    for case in CASES:
        outcome = {}
        for world in wins:
            result, _ = run_case(case, make_world(world))
            outcome[world] = achieved(case, result)
            wins[world] += outcome[world]
        agree += outcome["physics"] == outcome["kinematic"]
        marks = "  ".join(f"{w}={'ok' if outcome[w] else 'FAIL'}" for w in wins)
        print(f"{case.name:32s} {marks}   ({case.kind})")
    n = len(CASES)
    print(
        f"\n{n} cases: physics {wins['physics']}/{n} ({100 * wins['physics'] / n:.0f}%), "
        f"kinematic {wins['kinematic']}/{n}, agreement {agree}/{n}; "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
