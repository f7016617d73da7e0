"""PyBullet tabletop performance: stepping overhead, reset time and real-time factor.

Run: ``.venv/bin/python benchmarks/world_physics.py [--quick]``.

1. Stepping: ``TabletopWorld.step(n)`` against a raw ``stepSimulation`` loop on the same world and
   scene (idle robot, four blocks and a bowl), interleaved, median of several rounds, in process
   CPU time (wall time on a shared machine is too noisy for a 10% comparison).
   Goal: ratio (raw time / our time) >= 0.9.
2. Reset: wall time of ``PhysicsBackend.reset`` (rebuild + home + settle) per episode.
   Goal: < 0.3 s.
3. Real-time factor: simulated seconds per second while the robot does pick-and-place
   (two picks per episode, moves at 0.5 m/s). Goal: >= 30x on one core. Reported against both
   wall-clock and process CPU time (the CPU figure is immune to other processes on the machine).
"""

from __future__ import annotations

import argparse
import statistics
import time

import pybullet

from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.physics import PhysicsBackend
from codepolicy.envs.world import TabletopWorld

SCENE = [
    ObjectSpawn("red block", "block", "red", 0.1, -0.5),
    ObjectSpawn("blue block", "block", "blue", -0.15, -0.4),
    ObjectSpawn("green bowl", "bowl", "green", 0.0, -0.65),
    ObjectSpawn("yellow block", "block", "yellow", 0.2, -0.7),
    ObjectSpawn("orange block", "block", "orange", -0.2, -0.7),
]


def bench_stepping(rounds: int, steps: int) -> None:
    """Our step loop versus raw stepSimulation on the same client and scene."""
    world = TabletopWorld()
    cid = world.client._client
    ours, raw = [], []
    for _ in range(rounds):
        world.reset(SCENE)
        t0 = time.process_time()
        for _ in range(steps):
            pybullet.stepSimulation(physicsClientId=cid)
        raw.append(time.process_time() - t0)
        world.reset(SCENE)
        t0 = time.process_time()
        world.step(steps)
        ours.append(time.process_time() - t0)
    r, o = statistics.median(raw), statistics.median(ours)
    print(f"[step]  raw stepSimulation  {r / steps * 1e6:7.1f} us/step")
    print(f"[step]  TabletopWorld.step  {o / steps * 1e6:7.1f} us/step")
    print(f"[step]  throughput ratio (ours/raw) = {r / o:.3f}   (goal >= 0.9)")
    world.close()


def bench_reset(episodes: int) -> None:
    """Wall time of a full reset (rebuild, home, settle)."""
    backend = PhysicsBackend()
    times = []
    for i in range(episodes):
        spawns = SCENE[: 1 + i % len(SCENE)]
        t0 = time.perf_counter()
        backend.reset(spawns, seed=i)
        times.append(time.perf_counter() - t0)
    print(
        f"[reset] median {statistics.median(times) * 1e3:.1f} ms, "
        f"max {max(times) * 1e3:.1f} ms over {episodes} episodes   (goal < 300 ms)"
    )
    backend.close()


def _pick_place(backend: PhysicsBackend, name: str, dest: tuple[float, float, float]) -> bool:
    x, y, z = backend.observe()[name].position
    backend.move_tcp((x, y, 0.15))
    backend.move_tcp((x, y, z))
    held = backend.set_gripper(open=False).held == name
    backend.move_tcp((x, y, 0.2))
    backend.move_tcp((dest[0], dest[1], 0.2))
    backend.move_tcp(dest, stop_on_contact=True)
    backend.set_gripper(open=True)
    backend.move_tcp((dest[0], dest[1], 0.2))
    return held


def bench_realtime(episodes: int) -> None:
    """Simulated seconds per wall (and CPU) second during pick-and-place."""
    backend = PhysicsBackend()
    sim = wall = cpu = 0.0
    grasps = 0
    for _ in range(episodes):
        backend.reset(SCENE)
        t0, c0, s0 = time.perf_counter(), time.process_time(), backend.sim_time
        grasps += _pick_place(backend, "red block", (0.0, -0.65, 0.07))
        grasps += _pick_place(backend, "blue block", (0.2, -0.7, 0.07))
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        sim += backend.sim_time - s0
    print(
        f"[rtf]   {sim:.1f} simulated s in {wall:.2f} s wall / {cpu:.2f} s CPU: "
        f"real-time factor {sim / wall:.1f}x wall, {sim / cpu:.1f}x CPU   (goal >= 30x); "
        f"grasps {grasps}/{2 * episodes}"
    )
    backend.close()


def main() -> None:
    """Run the three benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    scale = 1 if args.quick else 3
    bench_stepping(rounds=3 * scale, steps=2000)
    bench_reset(episodes=10 * scale)
    bench_realtime(episodes=2 * scale)


if __name__ == "__main__":
    main()
