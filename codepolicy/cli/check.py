"""``codepolicy check FILE [--json]``: vet a program without running it.

Exit codes: 0 the program passes vetting; 1 it is rejected (problems, including syntax errors, are
listed with line numbers); 2 bad input (missing or unreadable file, not UTF-8, no registry).
With ``--json`` exactly one JSON object is printed on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from codepolicy.cli import options as opts
from codepolicy.primitives.registry import Registry
from codepolicy.sandbox.vetting import vet_program

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_BAD_INPUT = 2


def _emit(data: dict[str, Any], json_output: bool, text: str, out: TextIO) -> None:
    if json_output:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        out.write(text + ("\n" if text and not text.endswith("\n") else ""))


def check_command(
    file: Path,
    json_output: bool = False,
    registry: Registry | None = None,
    out: TextIO | None = None,
    defined: Collection[str] = (),
) -> int:
    """Vet ``file`` against ``registry`` and print the report.

    Args:
        file: Program source file.
        json_output: Print one JSON object instead of text.
        registry: Primitives the program may call; defaults to the default profile.
        out: Where to print (default: stdout).
        defined: Functions defined before the program runs (a skill library's).

    Returns:
        0 clean, 1 rejected, 2 bad input.
    """
    out = out or sys.stdout
    file = Path(file)
    base: dict[str, Any] = {"file": str(file)}
    if registry is None:
        from codepolicy.primitives.default import DEFAULT

        registry = DEFAULT
    try:
        source = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{file}: not UTF-8 ({exc.reason} at byte {exc.start})"
        _emit(base | {"ok": False, "exit_code": 2, "error": msg}, json_output, msg, out)
        return EXIT_BAD_INPUT
    except OSError as exc:
        msg = f"{file}: cannot read: {exc.strerror or exc}"
        _emit(base | {"ok": False, "exit_code": 2, "error": msg}, json_output, msg, out)
        return EXIT_BAD_INPUT
    report = vet_program(source, registry, defined=defined)
    code = EXIT_OK if report.ok else EXIT_REJECTED
    data = base | {"exit_code": code, "error": None} | report.model_dump(mode="json")
    if report.ok:
        text = f"{file}: ok"
    else:
        lines = [f"{file}: rejected, {len(report.problems)} problem(s)"]
        for p in report.problems:
            lines.append(f"{file}:{p.line}:{p.col}: [{p.code}] {p.message}")
            if p.source_line.strip():
                lines.append(f"    {p.source_line.strip()}")
        text = "\n".join(lines)
    _emit(data, json_output, text, out)
    return code


def check(
    file: Annotated[Path, typer.Argument(help="Program file to vet.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    profile: Annotated[str, typer.Option("--profile", help="Primitive profile.")] = "default",
    skill_library: opts.SkillLibrary = None,
) -> None:
    """Vet a program against the primitive API without running it."""
    from codepolicy.cli.common import config_errors
    from codepolicy.primitives.profiles import get_profile
    from codepolicy.skills.use import load_skills

    with config_errors():
        registry = get_profile(profile)
        skills = load_skills(skill_library, registry, profile) if skill_library else None
    defined = skills.names if skills is not None else []
    raise typer.Exit(check_command(file, json_output, registry, defined=defined))
