"""``codepolicy robot``: serve a robot over the network, e-stop it, make keys.

``serve`` runs the robot server in the foreground (Ctrl-C halts the robot and stops); ``stop`` is
the emergency stop, usable from any terminal (exit 0 once the robot stands still); ``release``
unlatches it; ``status`` prints the robot's state; ``keygen`` writes a new key file.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from codepolicy.cli.common import EXIT_OK, fail

app = typer.Typer(no_args_is_help=True, help="Serve a robot, stop it, make keys.")

EXIT_NOT_STOPPED = 1

KeyFile = typer.Option(None, "--key-file", help="File holding the shared secret (robot keygen).")


def check_address(address: str, *, insecure: bool = False) -> str:
    """Validate ``tcp://HOST:PORT``; with ``insecure`` the host must be a loopback address."""
    parts = urlsplit(address)
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        fail(f"robot address must look like tcp://HOST:PORT, got '{address}'")
    if insecure:
        try:
            loopback = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = parts.hostname == "localhost"
        if not loopback:
            fail(
                f"--insecure-localhost only serves loopback addresses (127.0.0.0/8), not {parts.hostname}"
            )
    return address


def _options(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"--driver-option must be KEY=VALUE, got '{pair}'")
        out[key] = value
    return out


def _key(key_file: Path | None, insecure: bool, server: bool = True) -> bytes:
    from codepolicy.robot.keys import KeyFileError, read_key_file
    from codepolicy.robot.server import INSECURE_KEY

    if key_file is None:
        if not insecure and server:
            fail(
                "no --key-file given: the robot server refuses to run unauthenticated "
                "(make one with 'codepolicy robot keygen FILE', "
                "or pass --insecure-localhost for a loopback test)"
            )
        if not insecure:
            fail("no --key-file given: the robot server only answers clients holding its key")
        return INSECURE_KEY
    try:
        return read_key_file(key_file)
    except KeyFileError as exc:
        fail(str(exc))


@app.command("serve")
def serve(
    driver: str = typer.Option(..., "--driver", help="physics, franky, or an installed plugin."),
    listen: str = typer.Option("tcp://127.0.0.1:5555", "--listen", help="tcp://HOST:PORT to bind."),
    key_file: Path | None = KeyFile,
    insecure_localhost: bool = typer.Option(
        False,
        "--insecure-localhost",
        help="Allow no key (loopback only; anyone on this machine can drive the robot).",
    ),
    driver_option: list[str] = typer.Option(
        [], "--driver-option", help="KEY=VALUE for the driver (repeatable)."
    ),
    workspace: str | None = typer.Option(
        None, "--workspace", help="TCP box x0,x1,y0,y1,z0,z1 in metres."
    ),
    max_speed: float = typer.Option(1.0, "--max-speed", help="TCP speed limit, m/s."),
    max_accel: float = typer.Option(2.5, "--max-accel", help="TCP acceleration limit, m/s^2."),
    max_force: float = typer.Option(70.0, "--max-force", help="Gripper force limit, N."),
    heartbeat_timeout: float = typer.Option(
        1.0,
        "--heartbeat-timeout",
        help="Halt after this much silence from the controlling client, s.",
    ),
    log: Path | None = typer.Option(
        None, "--log", help="Append every command (asked vs executed) to this JSONL file."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="Do not echo commands on stderr."),
) -> None:
    """Serve DRIVER's robot at --listen until Ctrl-C (which halts the robot first)."""
    from codepolicy.robot.driver import DriverError, make_driver
    from codepolicy.robot.limits import RobotLimits
    from codepolicy.robot.log import CommandLog
    from codepolicy.robot.server import RobotServer, ServerError

    check_address(listen, insecure=key_file is None and insecure_localhost)
    key = _key(key_file, insecure_localhost)
    box: dict[str, Any] = {}
    if workspace is not None:
        try:
            v = [float(p) for p in workspace.split(",")]
        except ValueError:
            v = []
        if len(v) != 6:
            fail(f"--workspace must be six numbers x0,x1,y0,y1,z0,z1, got '{workspace}'")
        box = {"x": (v[0], v[1]), "y": (v[2], v[3]), "z": (v[4], v[5])}
    if not heartbeat_timeout > 0:
        fail("--heartbeat-timeout must be positive")
    try:
        limits = RobotLimits(
            **box, max_speed=max_speed, max_accel=max_accel, max_gripper_force=max_force
        )
    except ValueError as exc:
        fail(f"bad limits: {exc}")
    try:
        robot = make_driver(driver, _options(driver_option))
    except DriverError as exc:
        fail(str(exc))
    try:
        server = RobotServer(
            robot,
            key,
            listen,
            limits=limits,
            heartbeat_timeout=heartbeat_timeout,
            log=CommandLog(log, None if quiet else sys.stderr),
        )
    except ServerError as exc:
        robot.close()
        fail(str(exc))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"robot server: {driver} driver at {server.address}", err=True)
    server.serve(stop)
    raise typer.Exit(EXIT_OK)


def _client(address: str, key_file: Path | None, insecure: bool, role: str = "observe") -> Any:
    from codepolicy.robot.client import RobotClient
    from codepolicy.robot.errors import RobotError

    check_address(address)
    key = _key(key_file, insecure, server=False)
    client = RobotClient(address, key, role=role, name="codepolicy robot cli", connect_timeout=2.0)
    try:
        client.connect()
    except RobotError as exc:
        fail(str(exc), code=EXIT_NOT_STOPPED)
    return client


@app.command("stop")
def stop(
    address: str = typer.Argument(..., help="tcp://HOST:PORT of the robot server."),
    key_file: Path | None = KeyFile,
    insecure_localhost: bool = typer.Option(False, "--insecure-localhost"),
) -> None:
    """Emergency stop: halt the robot and latch the stop. Exit 0 once the robot stands still."""
    from codepolicy.robot.errors import RobotError

    client = _client(address, key_file, insecure_localhost)
    try:
        result = client.request("stop", timeout=5.0)
    except RobotError as exc:
        fail(f"the robot did not confirm the stop: {exc}", code=EXIT_NOT_STOPPED)
    finally:
        client.disconnect()
    typer.echo(
        f"robot stopped (halted in {result.get('latency_ms', 0.0):.1f} ms); "
        f"motions stay refused until 'codepolicy robot release {address}'"
    )


@app.command("release")
def release(
    address: str = typer.Argument(..., help="tcp://HOST:PORT of the robot server."),
    key_file: Path | None = KeyFile,
    insecure_localhost: bool = typer.Option(False, "--insecure-localhost"),
) -> None:
    """Unlatch the emergency stop (needs control: no other client may be driving)."""
    from codepolicy.robot.errors import RobotError

    client = _client(address, key_file, insecure_localhost, role="control")
    try:
        client.request("release", timeout=5.0)
    except RobotError as exc:
        fail(str(exc), code=1)
    finally:
        client.disconnect()
    typer.echo("emergency stop released")


@app.command("status")
def status(
    address: str = typer.Argument(..., help="tcp://HOST:PORT of the robot server."),
    key_file: Path | None = KeyFile,
    insecure_localhost: bool = typer.Option(False, "--insecure-localhost"),
) -> None:
    """Print the robot's state and limits as JSON (read-only)."""
    client = _client(address, key_file, insecure_localhost)
    try:
        state = client.request("state", timeout=5.0)
    finally:
        client.disconnect()
    typer.echo(
        json.dumps(
            {
                "state": state,
                "info": {k: v for k, v in client.info.items() if k not in ("session", "nonce")},
            },
            indent=2,
        )
    )


@app.command("keygen")
def keygen(path: Path = typer.Argument(..., help="Key file to create (mode 0600).")) -> None:
    """Write a new random shared secret to PATH (refuses to overwrite)."""
    from codepolicy.robot.keys import write_key_file

    try:
        write_key_file(path)
    except FileExistsError:
        fail(f"{path} exists; refusing to overwrite a key file")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
    typer.echo(f"wrote a new key to {path}; copy it to the robot server and its clients")


def open_world(
    robot: str | None,
    key_file: Path | None,
    confirm: str = "none",
    max_step: float | None = None,
    *,
    needs_scene: bool = True,
) -> Any:
    """The connected, approved remote backend for ``run --backend remote`` (exit 2 on bad input).

    Before any motion it checks that the robot offers what the primitives need, and wraps it in
    the host-side approvers: clamp to the robot's box, the per-step limit, and ``confirm``
    (:func:`codepolicy.robot.remote.open_approved`).
    """
    from codepolicy.errors import ConfigError
    from codepolicy.robot.remote import open_approved

    if robot is None:
        fail("--backend remote needs --robot tcp://HOST:PORT")
    check_address(robot)
    if key_file is None:
        fail("--backend remote needs --key-file FILE (the robot server's shared secret)")
    if confirm not in ("each", "first", "none"):
        fail(f"--confirm must be each, first or none, got '{confirm}'")
    if max_step is not None and not max_step > 0:
        fail(f"--max-step must be a positive number of metres, got {max_step}")
    try:
        backend = open_approved(
            robot,
            key_file,
            max_step=max_step,
            confirm=confirm,
            ask=lambda text: input(text),
            needs_scene=needs_scene,
        )
    except ConfigError as exc:
        fail(str(exc))
    if not backend.client.info.get("simulated", False):
        from codepolicy.cli.doctor import apply_require_jail

        try:
            apply_require_jail(True)  # a program that can move hardware runs in the full jail
        except BaseException:
            backend.disconnect()
            raise
    return backend


@contextlib.contextmanager
def stop_key(world: Any, confirm: str, json_output: bool) -> Iterator[Any]:
    """The stop key of ``run --backend remote`` on a terminal, while the program runs
    (:class:`codepolicy.robot.stopkey.StopKey`; yields None when it is off)."""
    from codepolicy.robot.errors import RobotError
    from codepolicy.robot.stopkey import StopKey, estop_sender

    def say(text: str) -> None:
        typer.echo(text, err=json_output)

    client = getattr(world.robot.unwrapped, "client", None) if world is not None else None
    if client is None or not sys.stdin.isatty():
        yield None
        return
    if confirm != "none":
        say("Stop key: off while --confirm asks before motions (answer anything but Enter to stop)")
        yield None
        return
    try:
        send, close = estop_sender(client.address, client.key)
    except RobotError as exc:
        say(f"Stop key: off ({exc}); stop the robot with 'codepolicy robot stop {client.address}'")
        yield None
        return
    try:
        with StopKey(sys.stdin.fileno(), send, say) as key:
            yield key
    finally:
        close()


def bench_remote(
    backend: str,
    robot: str | None,
    key_file: Path | None,
    grade: str | None,
    gate: str | None,
    max_step: float | None,
) -> Any:
    """The robot of ``bench --backend remote`` (None for other backends; exit 2 on bad input)."""
    from codepolicy.robot.bench_remote import RemoteBench

    given = robot or key_file or grade or gate or max_step is not None
    if backend != "remote":
        if given:
            fail("--robot, --key-file, --grade, --gate and --max-step need --backend remote")
        return None
    if robot is None:
        fail("--backend remote needs --robot tcp://HOST:PORT")
    check_address(robot)
    if key_file is None:
        fail("--backend remote needs --key-file FILE (the robot server's shared secret)")
    return RemoteBench(robot, str(key_file), grade=grade or "auto", gate=gate, max_step=max_step)
