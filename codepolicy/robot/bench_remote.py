"""``bench --backend remote``: a benchmark's episodes on the one robot behind a robot server.

A robot server takes one controlling client at a time, so the episodes run one after another in
this process over one connection (:func:`run_on_robot`; more workers or Ray are refused by
:func:`check_remote`). Each episode passes the same host-side checks as ``run --backend remote``:
the compatibility check and the approvers once at connection, the sim-before-real gate (``twin``
by default for a robot that is not simulated) per episode. With ``grade="operator"`` the person at
the robot is asked after each episode whether the task was achieved (and a note): the record's
success is the answer, ``graded_by`` says ``operator``, and the summary counts such episodes.

Example:
    >>> check_remote(RemoteBench("tcp://127.0.0.1:5555", "robot.key", grade="always"),
    ...              backend="remote", workers=1, executor="local", video="none", planner="oracle")
    Traceback (most recent call last):
    ...
    codepolicy.errors.ConfigError: --grade must be operator or auto, got 'always'
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from codepolicy.envs.roles import World
from codepolicy.errors import ConfigError
from codepolicy.robot.gate import GATES, gated_run
from codepolicy.robot.operator import Ask, ask_grade, graded_feedback
from codepolicy.scenario.sampler import Episode

GRADES = ("operator", "auto")


@dataclass(frozen=True)
class RemoteBench:
    """Where the robot is and how its episodes are judged (picklable, part of the settings).

    Attributes:
        address: The robot server, ``tcp://HOST:PORT``.
        key_file: The file holding its shared secret.
        grade: ``operator`` (ask after each episode) or ``auto`` (the world's own judgement).
        gate: ``twin``, ``none``, or None: ``twin`` unless the robot is simulated.
        max_step: Longest single move the host approves, metres (None: no limit).
    """

    address: str
    key_file: str
    grade: str = "auto"
    gate: str | None = None
    max_step: float | None = None


def check_remote(
    remote: RemoteBench | None,
    *,
    backend: str,
    workers: int,
    executor: str,
    video: str,
    planner: str,
) -> None:
    """Refuse benchmark settings a remote robot cannot honour, with a sentence.

    Raises:
        ConfigError: a remote backend without a robot (or the reverse), parallel workers, Ray,
            videos, an unknown grade or gate, ``--gate twin`` with a model planning.
    """
    if remote is None:
        if backend == "remote":
            raise ConfigError("--backend remote needs --robot tcp://HOST:PORT and --key-file FILE")
        return
    if backend != "remote":
        raise ConfigError(
            "--robot, --key-file, --grade, --gate and --max-step need --backend remote"
        )
    parts = urlsplit(remote.address)
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        raise ConfigError(f"robot address must look like tcp://HOST:PORT, got '{remote.address}'")
    if workers > 1:
        raise ConfigError(
            "--backend remote runs the episodes one after another on the one robot (its server "
            f"takes one controlling client at a time); drop --workers {workers}"
        )
    if executor != "local":
        raise ConfigError(
            f"--backend remote runs in this process, next to the operator; drop --executor {executor}"
        )
    if video != "none":
        raise ConfigError("--backend remote records no video (there is no simulated camera here)")
    if remote.grade not in GRADES:
        raise ConfigError(f"--grade must be operator or auto, got '{remote.grade}'")
    if remote.gate is not None and remote.gate not in GATES:
        raise ConfigError(f"--gate must be twin or none, got '{remote.gate}'")
    if remote.gate == "twin" and planner == "llm":
        raise ConfigError(
            "--gate twin runs a fixed program (a file or the oracle); with --planner llm use --gate none"
        )
    if remote.max_step is not None and not remote.max_step > 0:
        raise ConfigError(f"--max-step must be a positive number of metres, got {remote.max_step}")


def open_robot(remote: RemoteBench, planner: str) -> World:
    """The connected, approved robot as a world (its scene: the simulator behind the server).

    Raises:
        ConfigError: the robot cannot be reached, refuses us, lacks what the primitives need,
            or would need the twin gate for a model's programs.
    """
    from codepolicy.robot.remote import open_approved

    backend = open_approved(remote.address, Path(remote.key_file), max_step=remote.max_step)
    if _gate(backend, remote) == "twin" and planner == "llm":
        backend.disconnect()
        raise ConfigError(
            f"the robot at {remote.address} is not simulated, so every program passes the twin "
            "gate first, which runs a fixed program; with --planner llm give --gate none"
        )
    return World.of(backend)


def _gate(backend: Any, remote: RemoteBench) -> str:
    simulated = bool(backend.client.info.get("simulated"))
    return remote.gate or ("none" if simulated else "twin")


def ask_terminal(prompt: str) -> str:
    """Show ``prompt`` on stderr and read the operator's answer line from stdin."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        sys.stderr.write("\n")
        raise EOFError
    return line.rstrip("\n")


def say_terminal(text: str) -> None:
    """Show a line to the operator (stderr)."""
    print(text, file=sys.stderr, flush=True)


def run_on_robot(
    pipeline: Any,
    episode: Episode,
    remote: RemoteBench,
    *,
    ask: Ask = ask_terminal,
    say: Callable[[str], None] = say_terminal,
) -> tuple[Any, dict[str, Any]]:
    """Run one episode on the robot (through the twin gate when it is on) and grade it.

    Returns:
        The ``EpisodeResult`` (its feedback graded by the operator when asked and answered) and
        the record fields ``graded_by`` / ``operator_note`` (empty when not graded by a person).
    """
    twin = _gate(pipeline.world.robot.unwrapped, remote) == "twin"
    result = gated_run(pipeline, episode, say) if twin else pipeline.run(episode)
    if remote.grade != "operator":
        return result, {}
    say(
        f"Episode {episode.scenario} seed {episode.seed}: {episode.instruction} "
        f"(the program ended with status {result.feedback.status.value})"
    )
    answer = ask_grade(ask)
    if answer is None:
        explanation = f"{result.feedback.explanation}; no operator answer: judged automatically"
        feedback = result.feedback.model_copy(update={"explanation": explanation})
        return replace(result, solution=replace(result.solution, feedback=feedback)), {}
    feedback = graded_feedback(result.feedback, answer)
    graded = replace(result, solution=replace(result.solution, feedback=feedback))
    return graded, {"graded_by": "operator", "operator_note": answer.note}
