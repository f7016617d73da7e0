"""``codepolicy doctor``: what protects programs on this machine, layer by layer.

Also holds the ``--require-jail`` handling shared by ``run`` and ``bench``.
"""

from __future__ import annotations

import json
import os
import platform
import sys

import typer

from codepolicy.sandbox.layers import describe, jail_gaps, manifest_entry, probe
from codepolicy.sandbox.limits import REQUIRE_JAIL_ENV

REQUIRE_JAIL_HELP = (
    "Refuse to run unless every OS jail layer of the sandbox is active (see 'codepolicy doctor')."
)


def _machine() -> list[str]:
    lines = [
        f"platform: {platform.platform()}",
        f"python: {sys.version.split()[0]}",
        f"running as uid {os.geteuid()}" if hasattr(os, "geteuid") else "uid: n/a",
    ]
    try:
        import landlock

        lines.append(f"landlock ABI: {landlock.landlock_abi_version()}")
    except Exception as exc:
        lines.append(f"landlock: unavailable ({type(exc).__name__})")
    try:
        import pyseccomp

        lines.append(f"libseccomp API level: {pyseccomp.get_api()}")
    except Exception as exc:
        lines.append(f"libseccomp: unavailable ({type(exc).__name__})")
    return lines


def doctor(
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
    require_jail: bool = typer.Option(
        False, "--require-jail", help="Exit 1 unless every jail layer is active."
    ),
) -> None:
    """List every sandbox layer with on/off and, when off, why (kernel, container, platform)."""
    from codepolicy.sandbox.pool import WorkerPool

    try:
        with WorkerPool(size=0) as pool:
            layers = probe(pool)
    except RuntimeError as exc:
        typer.echo(f"error: cannot start a sandbox worker: {exc}", err=True)
        raise typer.Exit(2) from None
    gaps = jail_gaps(layers)
    if json_output:
        entry = manifest_entry(layers)
        typer.echo(json.dumps({"machine": _machine(), **entry, "complete": not gaps}))
    else:
        for line in _machine():
            typer.echo(line)
        typer.echo("sandbox layers (each worker, before any program code runs):")
        for line in describe(layers):
            typer.echo(f"  {line}")
        if gaps:
            typer.echo(f"jail incomplete: {len(gaps)} layer(s) off; programs still run")
        else:
            typer.echo("jail complete: every layer is active")
    if require_jail and gaps:
        raise typer.Exit(1)


def apply_require_jail(flag: bool) -> None:
    """For ``run``/``bench --require-jail``: require the jail here and in child processes, and
    refuse at once (exit 2 with the missing layers) if this machine cannot provide it."""
    if not flag:
        return
    os.environ[REQUIRE_JAIL_ENV] = "1"
    try:
        gaps = jail_gaps(probe())
    except RuntimeError as exc:
        gaps = [f"worker: {exc}"]
    if gaps:
        typer.echo(
            "error: --require-jail: these sandbox jail layers are off here: "
            + "; ".join(gaps)
            + " (see 'codepolicy doctor')",
            err=True,
        )
        raise typer.Exit(2)
