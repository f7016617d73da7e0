"""Adapter worlds: a pick-and-place through our adapter against the same env stepped directly.

Run: ``.venv/bin/python benchmarks/adapter_speed.py [--rounds R] [--episodes N]`` (needs the extras
``codepolicy[panda-gym]`` and ``codepolicy[fetch]``). The oracle's success per task is
``benchmarks/adapter_oracle.py``.

The adapter side runs the default primitives ``grasp("cube")`` + ``place("target")`` on
``AdapterBackend`` behind the host-side safety guard (servoing, the per-step guard, observation
reading, settling). The direct side is a scripted controller that replays, through the raw env's
``reset`` and ``step``, the very actions the adapter sent (recorded in an untimed first pass), so both
sides step identical physics (checked: the final observations are compared bit for bit) and the
difference is the adapter's own cost. Both sides use the same env object; episodes interleave one
by one (adapter, direct, next seed; the order flips every round). Each round gives a ratio of steps
per second (adapter / direct) in process CPU time and in wall time; the median and the spread over
the rounds are printed, and the median and quartiles of the CPU ratio of each back-to-back episode
pair (robust to the load of a shared machine changing between rounds). Goal: adapter / direct >= 0.9.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from codepolicy.envs.adapters import AdapterBackend
from codepolicy.envs.adapters.loading import resolve
from codepolicy.envs.roles import World
from codepolicy.primitives import default as primitives
from codepolicy.primitives.context import PrimitiveContext


def adapter_pick_and_place(backend: AdapterBackend, seed: int) -> int:
    """Pick the cube and place it on the target through the adapter; returns env steps."""
    backend.reset([], seed=seed)
    ctx = PrimitiveContext.for_world(World.of(backend))
    primitives.grasp(ctx, "cube")
    primitives.place(ctx, "target")
    return backend.link.steps


class _Recorder:
    """Wraps an env's ``step``: keeps a copy of every action (untimed pass only)."""

    def __init__(self, env: Any) -> None:
        self.env, self.inner, self.actions = env, env.step, []
        env.step = self

    def __call__(self, action: np.ndarray) -> Any:
        self.actions.append(np.array(action, copy=True))
        return self.inner(action)

    def detach(self) -> None:
        self.env.step = self.inner


class _StepClock:
    """Wraps an env's ``step`` to add up the process CPU time spent inside it."""

    def __init__(self, env: Any) -> None:
        self.env, self.inner, self.seconds = env, env.step, 0.0
        env.step = self

    def __call__(self, action: np.ndarray) -> Any:
        start = time.process_time()
        try:
            return self.inner(action)
        finally:
            self.seconds += time.process_time() - start

    def detach(self) -> None:
        self.env.step = self.inner


def direct_replay(env: Any, seed: int, actions: list[np.ndarray], restore: Any) -> Any:
    """The scripted controller: reset with ``seed`` (restoring the seed's snapshot when the spec
    has one, as the adapter does) and send ``actions``; returns the last observation."""
    obs, _ = env.reset(seed=seed)
    if restore is not None:
        restore()
    step = env.step
    for action in actions:
        obs = step(action)[0]
    return obs


def bench_speed(world: str, rounds: int, episodes: int) -> dict[str, float]:
    """Interleaved rounds of adapter and direct episodes; prints and returns the medians."""
    backend = AdapterBackend(world)
    env, link = backend.link.env, backend.link
    seeds = list(range(episodes))
    plans: dict[int, list[np.ndarray]] = {}
    finals: dict[int, Any] = {}
    for seed in seeds:  # the untimed recording pass
        recorder = _Recorder(env)
        adapter_pick_and_place(backend, seed)
        recorder.detach()
        plans[seed], finals[seed] = recorder.actions, link.obs

    def restorer(seed: int) -> Any:
        spec = link.spec.snapshot
        if spec is None:
            return None
        saved = link._snapshots[seed][0]  # the adapter's own snapshot of this seed's reset
        return lambda: resolve(env, spec.restore)(saved)

    steps = sum(len(plans[s]) for s in seeds)
    cpu_ratios, wall_ratios, ours_us, identical = [], [], [], True
    pair_ratios: list[float] = []  # CPU, one per (round, episode): adapter and direct back to back
    ours_rate, direct_rate = [], []
    clock = _StepClock(env)
    for r in range(rounds):
        cpu = {"ours": 0.0, "direct": 0.0}
        wall = {"ours": 0.0, "direct": 0.0}
        inside = 0.0
        for seed in seeds:
            pair = {"ours": 0.0, "direct": 0.0}
            order = ("ours", "direct") if (r + seed) % 2 == 0 else ("direct", "ours")
            for side in order:
                before = clock.seconds
                c0, w0 = time.process_time(), time.perf_counter()
                if side == "ours":
                    n = adapter_pick_and_place(backend, seed)
                    obs = link.obs
                else:
                    obs = direct_replay(env, seed, plans[seed], restorer(seed))
                    n = len(plans[seed])
                pair[side] = time.process_time() - c0
                cpu[side] += pair[side]
                wall[side] += time.perf_counter() - w0
                if side == "ours":
                    inside += clock.seconds - before
                identical &= n == len(plans[seed]) and all(
                    np.array_equal(obs[k], finals[seed][k]) for k in obs
                )
            pair_ratios.append(pair["direct"] / pair["ours"])
        cpu_ratios.append(cpu["direct"] / cpu["ours"])
        wall_ratios.append(wall["direct"] / wall["ours"])
        ours_rate.append(steps / cpu["ours"])
        direct_rate.append(steps / cpu["direct"])
        ours_us.append(1e6 * (cpu["ours"] - inside) / steps)
    clock.detach()
    backend.close()
    result = {
        "cpu": statistics.median(cpu_ratios),
        "cpu_min": min(cpu_ratios),
        "cpu_max": max(cpu_ratios),
        "wall": statistics.median(wall_ratios),
        "wall_min": min(wall_ratios),
        "wall_max": max(wall_ratios),
        "pairs": statistics.median(pair_ratios),
    }
    quartiles = statistics.quantiles(pair_ratios, n=4)
    print(
        f"{world}: adapter {statistics.median(ours_rate):.0f} steps/s, direct "
        f"{statistics.median(direct_rate):.0f} steps/s (CPU); ratio adapter/direct: CPU "
        f"{result['cpu']:.3f} [{result['cpu_min']:.3f}-{result['cpu_max']:.3f}], wall "
        f"{result['wall']:.3f} [{result['wall_min']:.3f}-{result['wall_max']:.3f}] (median "
        f"[min-max] of {rounds} interleaved rounds x {episodes} episodes, {steps} steps each "
        f"side; goal >= 0.9); per episode pair: median {result['pairs']:.3f}, quartiles "
        f"{quartiles[0]:.3f}-{quartiles[2]:.3f} ({len(pair_ratios)} pairs); adapter's time outside "
        f"env.step (reset, primitives, servo, guard) {statistics.median(ours_us):.0f} us/step; "
        f"identical physics: {'yes' if identical else 'NO'}"
    )
    return result


def servo_overhead(world: str, moves: int = 2000) -> float:
    """The adapter's own cost per env step, µs: moves against an env whose ``step`` returns at once
    (the end effector never gets anywhere, so every move is servo loop, guard and reading)."""
    backend = AdapterBackend(world)
    backend.reset([], seed=0)
    out = (backend.link.obs, 0.0, False, False, {})
    backend.link.env.step = lambda action: out
    start, clock = backend.link.steps, time.process_time()
    for i in range(moves):
        backend.move_tcp((0.1, -0.5, 0.1 + 1e-5 * i))
    cost = 1e6 * (time.process_time() - clock) / (backend.link.steps - start)
    backend.close()
    print(f"{world}: servo, guard and reading cost {cost:.1f} us per env step (null env)")
    return cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="Interleaved rounds (>= 5).")
    parser.add_argument("--episodes", type=int, default=5, help="Episodes per side per round.")
    parser.add_argument(
        "--worlds", nargs="*", default=["panda-pick-and-place", "fetch-pick-and-place"]
    )
    args = parser.parse_args()
    print("Speed: pick-and-place through the adapter vs the env stepped directly (same actions)")
    for world in args.worlds:
        bench_speed(world, args.rounds, args.episodes)
    for world in args.worlds:
        servo_overhead(world)


if __name__ == "__main__":
    main()
