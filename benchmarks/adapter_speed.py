"""Adapter worlds: stepping overhead against a scripted controller, and the oracle's success.

Run: ``.venv/bin/python benchmarks/adapter_speed.py [--seeds N] [--rounds R]`` (needs the extras
``codepolicy[panda-gym]`` and ``codepolicy[fetch]``).

1. Speed: the same pick-and-place (open, above the cube, down, close, lift, above the target,
   down, open, lift) on the same env and seeds, once through the adapter (the default primitives
   ``grasp`` + ``place`` on ``AdapterBackend`` behind the host-side safety guard: servoing, the
   per-step guard, observation reading) and once by a scripted controller calling ``env.step``
   directly with the same proportional law. Rounds interleave; each side's env steps per second of
   process CPU time are summed over the round and the median round is reported, with the share of
   each side's time spent outside ``env.step`` (the two sides take slightly different steps: the
   adapter settles after each move, so the per-step cost of the env itself differs a little).
   Goal: adapter / direct >= 0.9.
2. Oracle: every adapter scenario's reference program through the sandbox (``run_program``) over
   ``--seeds`` seeds: our success, the env's own ``is_success``, and how often they disagree.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from codepolicy.envs.adapters import AdapterBackend
from codepolicy.envs.adapters.loading import make_env
from codepolicy.envs.adapters.spec import AdapterSpec, get_spec
from codepolicy.envs.adapters.transform import make_reader
from codepolicy.envs.roles import World
from codepolicy.primitives import default as primitives
from codepolicy.primitives.context import PrimitiveContext

SPEED = 0.5
"""End-effector speed of both controllers, m/s (the primitives' default)."""


def direct_pick_and_place(env: Any, spec: AdapterSpec, seed: int) -> int:
    """A scripted pick-and-place stepping ``env`` directly; returns the number of steps."""
    ee, cube, goal = (
        make_reader(spec.ee_position),
        make_reader(spec.objects[0].position),
        make_reader(spec.objects[1].position),
    )
    obs, _ = env.reset(seed=seed)
    steps = 0
    step_len = SPEED * spec.step_seconds
    size = env.action_space.shape[0]

    def go(target: np.ndarray, grip: float) -> None:
        nonlocal obs, steps
        for _ in range(spec.max_move_steps):
            delta = target - ee(obs)
            dist = float(np.linalg.norm(delta))
            if dist <= spec.tolerance:
                break
            disp = delta if dist <= step_len else delta * (step_len / dist)
            action = np.zeros(size, dtype=np.float32)
            action[:3] = np.clip(disp / spec.action_scale, -1, 1)
            action[3] = grip
            obs = env.step(action)[0]
            steps += 1

    def hold(grip: float, n: int) -> None:
        nonlocal obs, steps
        action = np.zeros(size, dtype=np.float32)
        action[3] = grip
        for _ in range(n):
            obs = env.step(action)[0]
            steps += 1

    c, g = cube(obs), goal(obs)
    up = spec.frame.origin[2] + 0.15
    hold(1.0, 3)
    go(np.array([c[0], c[1], up]), 1.0)
    go(np.array([c[0], c[1], c[2]]), 1.0)
    hold(-1.0, 6)
    go(np.array([c[0], c[1], up]), -1.0)
    go(np.array([g[0], g[1], up]), -1.0)
    go(np.array([g[0], g[1], g[2] + 0.01]), -1.0)
    hold(1.0, 3)
    go(np.array([g[0], g[1], up]), 1.0)
    return steps


def adapter_pick_and_place(backend: AdapterBackend, seed: int) -> int:
    """The same task through the adapter and the default primitives; returns env steps."""
    backend.reset([], seed=seed)
    ctx = PrimitiveContext.for_world(World.of(backend))
    primitives.grasp(ctx, "cube")
    primitives.place(ctx, "target")
    return backend.link.steps


class _StepClock:
    """Wraps an env's ``step`` to add up the process CPU time spent inside it."""

    def __init__(self, env: Any) -> None:
        self.inner, self.seconds = env.step, 0.0
        env.step = self

    def __call__(self, action: np.ndarray) -> Any:
        start = time.process_time()
        try:
            return self.inner(action)
        finally:
            self.seconds += time.process_time() - start


def bench_speed(world: str, rounds: int, seeds: int) -> None:
    """Steps per CPU second: adapter against direct stepping, interleaved rounds; also the share
    of each side's time spent outside ``env.step`` (its own overhead)."""
    spec = get_spec(world)
    backend = AdapterBackend(spec)
    direct_env = make_env(spec)
    ours_clock, direct_clock = _StepClock(backend.link.env), _StepClock(direct_env)
    ratios, ours_rates, direct_rates, ours_share, direct_share = [], [], [], [], []
    ours_us, direct_us = [], []
    for _ in range(rounds):
        ours_clock.seconds = direct_clock.seconds = 0.0
        t0 = time.process_time()
        ours = sum(adapter_pick_and_place(backend, s) for s in range(seeds))
        t1 = time.process_time()
        theirs = sum(direct_pick_and_place(direct_env, spec, s) for s in range(seeds))
        t2 = time.process_time()
        ours_rates.append(ours / (t1 - t0))
        direct_rates.append(theirs / (t2 - t1))
        ratios.append(ours_rates[-1] / direct_rates[-1])
        ours_share.append(1 - ours_clock.seconds / (t1 - t0))
        direct_share.append(1 - direct_clock.seconds / (t2 - t1))
        ours_us.append(1e6 * (t1 - t0 - ours_clock.seconds) / ours)
        direct_us.append(1e6 * (t2 - t1 - direct_clock.seconds) / theirs)
    backend.close()
    direct_env.close()
    print(
        f"{world}: adapter {statistics.median(ours_rates):.0f} steps/s, direct "
        f"{statistics.median(direct_rates):.0f} steps/s -> ratio {statistics.median(ratios):.3f} "
        f"(median of {rounds} rounds x {seeds} episodes; goal >= 0.9); time outside env.step: "
        f"adapter {100 * statistics.median(ours_share):.1f}% "
        f"({statistics.median(ours_us):.0f} us/step), direct "
        f"{100 * statistics.median(direct_share):.1f}% ({statistics.median(direct_us):.0f} us/step)"
    )


def bench_oracle(seeds: int) -> None:
    """Every adapter scenario's reference program over ``seeds`` seeds."""
    from codepolicy.envs.backend import make_world
    from codepolicy.oracle import oracle_program
    from codepolicy.runner.episode import run_program
    from codepolicy.scenario.catalog import adapter_scenarios

    total = total_ok = total_disagree = 0
    for scenario in adapter_scenarios():
        world = make_world(scenario.spec.world)
        ok = env_ok = disagree = 0
        started = time.perf_counter()
        for seed in range(seeds):
            episode = scenario.sample(seed)
            feedback = run_program(episode, oracle_program(episode), world)
            ok += feedback.success
            env_ok += bool(feedback.env_success)
            disagree += feedback.success != feedback.env_success
        world.close()
        total, total_ok, total_disagree = total + seeds, total_ok + ok, total_disagree + disagree
        print(
            f"{scenario.name:22s} oracle {ok}/{seeds} ({100 * ok / seeds:.0f}%), env is_success "
            f"{env_ok}/{seeds}, disagreements {disagree} ({time.perf_counter() - started:.1f} s)"
        )
    print(
        f"all adapter tasks: oracle {total_ok}/{total} ({100 * total_ok / total:.1f}%), "
        f"predicate/is_success disagreements {total_disagree}/{total}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="Seeds per adapter task (oracle).")
    parser.add_argument("--rounds", type=int, default=5, help="Interleaved speed rounds.")
    parser.add_argument("--speed-seeds", type=int, default=5, help="Episodes per speed round.")
    args = parser.parse_args()
    print("1. Speed: pick-and-place through the adapter vs the env stepped directly")
    for world in ("panda-pick-and-place", "fetch-pick-and-place"):
        bench_speed(world, args.rounds, args.speed_seeds)
    print(f"2. Oracle success per adapter task over {args.seeds} seeds (through the sandbox)")
    bench_oracle(args.seeds)


if __name__ == "__main__":
    main()
