"""Perception accuracy against ground truth, timings, and the oracle's success per perception kind.

For every scenario x seed (physics world) it scores each perception kind on several scenes of the
episode: the start, the scene after each of the oracle program's first ``--steps`` moving calls
(stacks, blocks in bowls), and one scene with the first block held in the gripper. It prints, from
this one run:
- detection precision and recall by name (colour + kind), position error median / p95 / max in cm;
- colour confusion (true colour -> detected colour or "missed") for the non-privileged kinds;
- perception wall time per ``detect()`` call side by side with the camera render time inside it;
- with ``--oracle-seeds N``: the oracle programs' success on physics with each perception kind over
  every scenario x N seeds, and its ratio to privileged success.

Usage: python benchmarks/perception_accuracy.py [--seeds 10] [--steps 2] [--scenarios GLOB]
    [--kinds privileged,noisy,mask,camera] [--oracle-seeds 2] [--oracle-kinds privileged,mask,camera]
"""

from __future__ import annotations

import argparse
import fnmatch
import statistics
import sys
import time
from collections import Counter

import numpy as np

from codepolicy.envs.backend import CameraFrame
from codepolicy.envs.camera import CameraSpec, SegmentedFrame
from codepolicy.envs.physics import PhysicsBackend
from codepolicy.envs.roles import World
from codepolicy.envs.world import TabletopWorld
from codepolicy.oracle import oracle_program
from codepolicy.primitives.camera_perception import CameraPerception, MaskPerception
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.default import grasp
from codepolicy.primitives.perception import Perception
from codepolicy.primitives.perception_kinds import make_perception
from codepolicy.primitives.perception_score import Score, score
from codepolicy.runner.episode import run_program, spawns
from codepolicy.sandbox.result import CallEvent
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import Episode, sample_episode

MOVING = {"pick_and_place", "place", "grasp", "put_first_on_second"}
TIMING_SCENES = 20
"""Scenes on which each kind is timed with renders of its own (the accuracy pass shares them)."""


class SharedRenders:
    """Renders each perception camera once per scene for every camera-based kind.

    The accuracy pass scores several kinds on the very same scene; rendering once and serving both
    the labelled frame (``mask``) and the plain one (``camera``) halves its cost. Call
    :meth:`clear` whenever the scene may have changed.
    """

    def __init__(self, world: TabletopWorld) -> None:
        self._world = world
        self._cache: dict[tuple[object, ...], SegmentedFrame] = {}

    def clear(self) -> None:
        self._cache.clear()

    def render_segmented(
        self, spec: CameraSpec, width: int, height: int, *, shadows: bool = False
    ) -> SegmentedFrame:
        key = (spec, width, height, shadows)
        if key not in self._cache:
            self._cache[key] = self._world.render_segmented(spec, width, height, shadows=shadows)
        return self._cache[key]

    def render_camera(
        self, spec: CameraSpec, width: int, height: int, *, shadows: bool = False
    ) -> CameraFrame:
        return self.render_segmented(spec, width, height, shadows=shadows).frame


class Tally:
    """Scores and timings of one perception kind."""

    def __init__(self) -> None:
        self.score = Score()
        self.detect_s: list[float] = []
        self.render_s: list[float] = []
        self.scenes = 0

    def measure(self, perception: Perception, backend: PhysicsBackend, label: str) -> None:
        self.score.add(score(perception.detect(), backend.observe(), label))
        self.scenes += 1

    def time(self, perception: Perception) -> None:
        started = time.perf_counter()
        perception.detect()
        self.detect_s.append(time.perf_counter() - started)
        timing = getattr(perception, "timing", None)
        if timing is not None:
            self.render_s.append(timing.render)


def _scenes(
    episode: Episode,
    backend: PhysicsBackend,
    kinds: dict[str, Perception],
    steps: int,
    tallies: dict[str, Tally],
    shared: SharedRenders,
) -> None:
    """Score every kind at the start, after the oracle's first moving calls, and while holding."""
    tag = f"{episode.scenario}#{episode.seed}:"

    def measure(label: str) -> None:
        shared.clear()
        for kind, perception in kinds.items():
            tallies[kind].measure(perception, backend, tag + label)

    backend.reset(spawns(episode), seed=episode.seed)
    measure("start:")
    seen = 0

    def after(event: CallEvent) -> None:
        nonlocal seen
        if event.primitive in MOVING and event.error is None and seen < steps:
            seen += 1
            measure(f"step{seen}:")

    run_program(episode, oracle_program(episode), backend, on_event=after)
    backend.reset(spawns(episode), seed=episode.seed)
    blocks = [o.name for o in episode.objects if o.kind == "block"]
    if blocks:
        try:
            grasp(PrimitiveContext.for_world(World.of(backend)), blocks[0])
        except Exception:  # an unreachable block: no held scene for this episode
            return
        measure("held:")


def _shared_kind(kind: str, backend: PhysicsBackend, shared: SharedRenders) -> Perception:
    """The kind's perception, rendering through ``shared`` when it renders at all."""
    if kind == "camera":
        return CameraPerception(shared.render_camera)
    if kind == "mask":
        return MaskPerception(shared.render_segmented)
    return make_perception(kind, backend, seed=1)


def _cm(values: list[float], q: float) -> str:
    return f"{np.percentile(np.asarray(values) * 100, q):.2f}" if values else "-"


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f}" if values else "-"


def _report(tallies: dict[str, Tally], scenes: int) -> None:
    print(f"\nAccuracy over {scenes} scenes (start, after oracle steps, holding); times are")
    print(
        f"medians over the first {TIMING_SCENES} episodes' start scenes, each kind rendering its own:"
    )
    print(
        f"{'kind':<11}{'objects':>8}{'recall':>9}{'precision':>10}{'median cm':>10}{'p95 cm':>8}"
        f"{'max cm':>8}{'detect ms':>10}{'render ms':>10}"
    )
    for kind, t in tallies.items():
        s = t.score
        print(
            f"{kind:<11}{s.true_positives + s.false_negatives:>8}{s.recall:>9.2%}{s.precision:>10.2%}"
            f"{_cm(s.errors, 50):>10}{_cm(s.errors, 95):>8}{_cm(s.errors, 100):>8}"
            f"{_ms(t.detect_s):>10}{_ms(t.render_s):>10}"
        )
    for kind, t in tallies.items():
        if kind in ("privileged", "noisy"):
            continue
        wrong = {k: v for k, v in t.score.confusion.items() if k[0] != k[1]}
        print(
            f"\n{kind}: colour confusion (true -> detected: count), all else correct: "
            + (", ".join(f"{a}->{b}: {n}" for (a, b), n in sorted(wrong.items())) or "none")
        )
        correct = Counter({a: n for (a, b), n in t.score.confusion.items() if a == b})
        print(
            f"{kind}: correct per colour: "
            + ", ".join(f"{c} {n}" for c, n in sorted(correct.items()))
        )
        if t.score.missed:
            print(f"{kind}: missed ({len(t.score.missed)}): " + "; ".join(t.score.missed[:20]))


def _oracle(seeds: int, kinds: list[str], pattern: str, first: int = 0) -> None:
    print(
        f"\nOracle success on physics, every scenario matching {pattern!r} x {seeds} seeds "
        f"(from seed {first}):"
    )
    backend = PhysicsBackend()
    wins = {k: 0 for k in kinds}
    walls = {k: 0.0 for k in kinds}
    total = 0
    lost: dict[str, list[str]] = {k: [] for k in kinds}
    for scenario in list_scenarios():
        if not fnmatch.fnmatch(scenario.name, pattern):
            continue
        for seed in range(first, first + seeds):
            episode = sample_episode(scenario, seed)
            program = oracle_program(episode)
            total += 1
            for kind in kinds:
                started = time.perf_counter()
                feedback = run_program(episode, program, backend, perception=kind)
                walls[kind] += time.perf_counter() - started
                wins[kind] += int(feedback.success)
                if not feedback.success:
                    lost[kind].append(f"{scenario.name}#{seed}")
        print(f"  oracle {scenario.name}: {total} episodes", file=sys.stderr)
    base = wins.get("privileged") or 0
    for kind in kinds:
        ratio = f"{wins[kind] / base:.1%} of privileged" if base else ""
        print(
            f"  {kind:<11}{wins[kind]:>4}/{total} = {wins[kind] / max(total, 1):.1%}  {ratio}"
            f"  (episode wall {walls[kind] / max(total, 1):.1f} s)"
        )
        if lost[kind]:
            print(f"    failed: {', '.join(lost[kind])}")
    backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="0 skips the accuracy pass")
    parser.add_argument("--steps", type=int, default=2, help="oracle moving calls to score after")
    parser.add_argument("--scenarios", default="*")
    parser.add_argument("--kinds", default="privileged,noisy,mask,camera")
    parser.add_argument("--oracle-seeds", type=int, default=0)
    parser.add_argument("--oracle-kinds", default="privileged,mask,camera")
    parser.add_argument("--oracle-first-seed", type=int, default=0)
    args = parser.parse_args()
    backend = PhysicsBackend()
    names = args.kinds.split(",")
    shared = SharedRenders(backend.world)
    perceptions = {k: _shared_kind(k, backend, shared) for k in names}
    tallies = {k: Tally() for k in names}
    episodes = 0
    started = time.perf_counter()
    for scenario in list_scenarios():
        if not fnmatch.fnmatch(scenario.name, args.scenarios):
            continue
        for seed in range(args.seeds):
            episode = sample_episode(scenario, seed)
            if episodes < TIMING_SCENES:
                backend.reset(spawns(episode), seed=episode.seed)
                for kind in names:
                    tallies[kind].time(make_perception(kind, backend, seed=1))
            _scenes(episode, backend, perceptions, args.steps, tallies, shared)
            episodes += 1
        print(
            f"  {scenario.name}: {episodes} episodes, {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    backend.close()
    if episodes:
        _report(tallies, next(iter(tallies.values())).scenes)
    if args.oracle_seeds:
        _oracle(
            args.oracle_seeds, args.oracle_kinds.split(","), args.scenarios, args.oracle_first_seed
        )


if __name__ == "__main__":
    main()
