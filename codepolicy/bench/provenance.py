"""Provenance of a run: code version, git commit, platform, prompt hashes, settings, prices.

None of these helpers fail because of the environment: no git, no repository or an unreadable
prompt file give ``None`` values, never an exception.

Example:
    >>> manifest = make_manifest(models=["m"], prompts={"system": "You are a robot."})
    >>> manifest.prompts["system"][:12]
    'a81507b6aec5'
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from codepolicy import __version__
from codepolicy.bench.pricing import DEFAULT_PRICES, ModelPrice, table_to_data
from codepolicy.bench.record import RunManifest

MANIFEST_NAME = "manifest.json"


def _git(args: Sequence[str], cwd: Path) -> str | None:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _source_dir() -> Path:
    return Path(__file__).resolve().parent


def git_commit(cwd: str | Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the repository holding ``cwd`` (default: codepolicy's source)."""
    out = _git(["rev-parse", "HEAD"], Path(cwd) if cwd else _source_dir())
    if out is None:
        return None
    return out.strip() or None


def git_dirty(cwd: str | Path | None = None) -> bool | None:
    """Whether tracked files have uncommitted changes; None when git is unavailable."""
    out = _git(
        ["status", "--porcelain", "--untracked-files=no"], Path(cwd) if cwd else _source_dir()
    )
    return bool(out.strip()) if out is not None else None


def sha256_text(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: str | Path) -> str | None:
    """Hex sha256 of a file's bytes, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def prompt_hashes(prompts: Mapping[str, str | Path]) -> dict[str, str]:
    """sha256 of each prompt: ``Path`` values are files, ``str`` values are the prompt text.

    Unreadable files are recorded as ``"unreadable"`` rather than raising.
    """
    out: dict[str, str] = {}
    for name, value in prompts.items():
        if isinstance(value, Path):
            out[name] = sha256_file(value) or "unreadable"
        else:
            out[name] = sha256_text(value)
    return out


def make_manifest(
    *,
    models: Sequence[str] = (),
    prompts: Mapping[str, str | Path] | None = None,
    settings: Mapping[str, Any] | None = None,
    prices: Mapping[str, ModelPrice] | None = None,
    argv: Sequence[str] | None = None,
    repo: str | Path | None = None,
) -> RunManifest:
    """Describe the current process for ``DIR/manifest.json``.

    Args:
        models: Model ids used by the run.
        prompts: Prompt name -> text (``str``) or file (``Path``); stored as sha256.
        settings: Every setting of the run (JSON-serialisable; others are stored with ``str``).
        prices: Price table used for cost estimates (default: the example table).
        argv: Command line (default: ``sys.argv``).
        repo: Where to ask git (default: codepolicy's source tree).
    """
    return RunManifest(
        codepolicy_version=__version__,
        git_commit=git_commit(repo),
        git_dirty=git_dirty(repo),
        python=sys.version.split()[0],
        platform=platform.platform(),
        argv=list(sys.argv if argv is None else argv),
        models=sorted(set(models)),
        prompts=prompt_hashes(prompts or {}),
        settings=json.loads(json.dumps(dict(settings or {}), default=str)),
        prices=table_to_data(DEFAULT_PRICES if prices is None else prices),
        jail=_jail_layers(),
    )


def _jail_layers() -> dict[str, Any]:
    """The sandbox layers a worker gets on this machine (active names, and why others are off)."""
    from codepolicy.sandbox.layers import manifest_entry, probe

    try:
        return manifest_entry(probe())
    except RuntimeError as exc:
        return {"active": [], "off": {"worker": str(exc)}}


def write_manifest(directory: str | Path, manifest: RunManifest) -> Path:
    """Write ``DIR/manifest.json`` atomically (temp file, fsync, rename); returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MANIFEST_NAME
    tmp = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(manifest.model_dump_json(indent=2) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def read_manifest(directory: str | Path) -> RunManifest | None:
    """``DIR/manifest.json`` or None if absent.

    Raises:
        ValueError: If the file exists but is not a valid manifest (names the file).
    """
    path = Path(directory) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return RunManifest.model_validate_json(text)
    except ValueError as exc:
        raise ValueError(f"{path}: not a valid manifest: {exc}") from None


def manifest_differences(old: RunManifest, new: RunManifest) -> list[str]:
    """What differs between two manifests in ways that matter for resuming a run.

    Compares models, prompt hashes and settings (not times, argv or platform).
    """
    diffs: list[str] = []
    if old.models != new.models:
        diffs.append(f"models: {old.models} -> {new.models}")
    for name in sorted(set(old.prompts) | set(new.prompts)):
        if old.prompts.get(name) != new.prompts.get(name):
            diffs.append(f"prompt {name!r} changed")
    for name in sorted(set(old.settings) | set(new.settings)):
        if old.settings.get(name) != new.settings.get(name):
            diffs.append(
                f"setting {name!r}: {old.settings.get(name)!r} -> {new.settings.get(name)!r}"
            )
    return diffs
