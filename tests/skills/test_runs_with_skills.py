"""A skill library in runs: programs call its functions, the prompt lists them only when one is
given, and episodes, bench records and the manifest say which library and which skills."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codepolicy.bench.benchmark import BenchmarkSettings, run_benchmark
from codepolicy.bench.provenance import read_manifest
from codepolicy.bench.store import read_records
from codepolicy.pipeline import RunSettings, load_episode, run_episode
from codepolicy.planning.planners import LLMOptions
from codepolicy.skills.use import file_sha256
from codepolicy.testing.scripted_server import ScriptedServer

EPISODE = load_episode("pick-place-seen", 0)
BLOCK, TARGET = EPISODE.variables["block"], EPISODE.variables["target"]
CALLS_SKILL = f"say('using a skill')\nput_in({BLOCK!r}, {TARGET!r})\n"
SECTION = "Helper functions from earlier successful programs"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", "run", "pick-place-seen", "--backend", "kinematic", *args],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_a_program_calling_a_skill_succeeds_and_says_which_it_used(
    library_file: Path, tmp_path: Path
) -> None:
    program = tmp_path / "prog.py"
    program.write_text(CALLS_SKILL)
    proc = _run("--program", str(program), "--skill-library", str(library_file), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["success"] and report["skills_available"] == ["put_in"]
    assert report["skills_used"] == ["put_in"]
    # the skill's primitive call is attributed to the program's own line 2
    assert [(s["primitive"], s["line"]) for s in report["steps"]] == [
        ("say", 1),
        ("pick_and_place", 2),
    ]
    without = _run("--program", str(program), "--json")
    assert without.returncode == 1
    assert "unknown primitive 'put_in'" in json.dumps(json.loads(without.stdout)["vet"])


def test_an_error_inside_a_skill_is_reported_at_the_programs_line(library_file: Path) -> None:
    program = "say('a')\nsay('b')\nput_in('purple block', 'green bowl')\n"
    settings = RunSettings(
        planner="program", backend="kinematic", program=program, skill_library=str(library_file)
    )
    result = run_episode(EPISODE, settings=settings)
    assert result.feedback.error is not None and result.feedback.error.line == 3
    assert result.feedback.error.type == "UnknownObject"


def test_the_model_sees_the_skills_and_calls_one(library_file: Path) -> None:
    redefines = f"def put_in(a, b):\n    say(a)\n\nput_in({BLOCK!r}, {TARGET!r})"
    answers = [f"```python\n{redefines}\n```", f"```python\n{CALLS_SKILL}```"]
    with ScriptedServer(answers) as server:
        llm = LLMOptions(model="scripted", base_url=server.base_url, cache=False,
                         replan="refine", max_rounds=2)  # fmt: skip
        settings = RunSettings(planner="llm", backend="kinematic", llm=llm,
                               skill_library=str(library_file))  # fmt: skip
        result = run_episode(EPISODE, settings=settings)
        requests = server.chat_requests()
    assert len(requests) == 2  # no request to write put_in: the library defines it
    system = requests[0].body["messages"][0]["content"]
    assert SECTION in system and "- put_in(block, bowl): Put the block in the bowl." in system
    # round 1 defined its own put_in: that is the program's function, not a re-defined primitive
    refine = requests[1].body["messages"][-1]["content"]
    assert "re-defines" not in refine
    assert result.success and result.skills_used == ["put_in"]
    assert [r.feedback.success for r in result.solution.rounds] == [False, True]


def test_without_a_library_the_prompt_has_no_skills_section() -> None:
    with ScriptedServer([f"```python\npick_and_place({BLOCK!r}, {TARGET!r})\n```"]) as server:
        llm = LLMOptions(model="scripted", base_url=server.base_url, cache=False)
        result = run_episode(
            EPISODE, settings=RunSettings(planner="llm", backend="kinematic", llm=llm)
        )
        system = server.chat_requests()[0].body["messages"][0]["content"]
    assert SECTION not in system and result.skills_available == [] and result.skills_used == []


@pytest.mark.parametrize("with_library", [True, False])
def test_bench_records_the_skills_and_the_manifest_the_library(
    library_file: Path, tmp_path: Path, with_library: bool
) -> None:
    out = tmp_path / "bench"
    settings = BenchmarkSettings(
        suites=["pick-place-seen"], seeds=[0], backend="kinematic", out=out,
        planner="program", program=CALLS_SKILL if with_library else "say('hi')",
        skill_library=str(library_file) if with_library else None,
    )  # fmt: skip
    run_benchmark(settings)
    [record] = read_records(out)
    manifest = read_manifest(out)
    assert manifest is not None
    if with_library:
        assert record.success and record.skills_available == ["put_in"]
        assert record.skills_used == ["put_in"]
        assert manifest.settings["skill_library"] == {
            "path": str(library_file), "sha256": file_sha256(library_file)}  # fmt: skip
    else:
        assert record.skills_available == [] and record.skills_used == []
        assert (
            "skill_library" not in manifest.settings or manifest.settings["skill_library"] is None
        )


def test_a_session_runs_program_files_that_call_skills(library_file: Path, tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text(CALLS_SKILL)
    command = [sys.executable, "-m", "codepolicy", "session", "pick-place-seen", "--backend",
               "kinematic", "--profile", "default", "--skill-library", str(library_file),
               "--program", str(program)]  # fmt: skip
    proc = subprocess.run(command, input=":quit\n", capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pick_and_place" in proc.stdout and "the task is achieved" in proc.stdout


def test_prompt_command_shows_the_skills_section_only_with_a_library(library_file: Path) -> None:
    base = [
        sys.executable,
        "-m",
        "codepolicy",
        "prompt",
        "pick-place-seen",
        "--backend",
        "kinematic",
    ]
    plain = subprocess.run(base, capture_output=True, text=True, timeout=120)
    shown = subprocess.run(
        [*base, "--skill-library", str(library_file)], capture_output=True, text=True, timeout=120
    )
    assert plain.returncode == 0 and shown.returncode == 0, shown.stderr
    assert SECTION not in plain.stdout
    assert f"{SECTION}, also already defined" in shown.stdout
    assert "- put_in(block, bowl): Put the block in the bowl." in shown.stdout


def test_bench_command_takes_the_library(library_file: Path, tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text(CALLS_SKILL)
    out = tmp_path / "bench"
    command = [sys.executable, "-m", "codepolicy", "bench", "--suite", "pick-place-seen",
               "--seed-list", "0", "--backend", "kinematic", "--program", str(program),
               "--skill-library", str(library_file), "--out", str(out)]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    [record] = read_records(out)
    assert record.success and record.skills_used == ["put_in"]


def test_pick_and_place_mined_from_low_tier_programs_lifts_a_macro_program_into_that_tier(
    tmp_path: Path,
) -> None:
    from codepolicy.oracle import oracle_program
    from codepolicy.oracle.tier_programs import tier_program
    from codepolicy.primitives.profiles import get_profile
    from codepolicy.skills.library import write_library
    from codepolicy.skills.mine import mine_skills
    from codepolicy.skills.sources import ProgramSource

    stack = load_episode("stack-blocks-seen", 2)
    low = [ProgramSource(tier_program(e, "low"), f"{e.scenario}.py") for e in (EPISODE, stack)]
    mined = mine_skills(low, get_profile("low"), profile="low")
    names = {s.name: s for s in mined.library.skills}
    assert names["pick_and_place"].provenance.count == 2
    assert set(names["pick_and_place"].uses) == {"surface_under", "free_spot"}
    library = write_library(mined.library, tmp_path / "low.json")
    macro = oracle_program(stack)  # calls pick_and_place, which the low tier does not have
    outcomes = []
    for skills in (None, str(library)):
        settings = RunSettings(planner="program", backend="kinematic", profile="low",
                               program=macro, skill_library=skills)  # fmt: skip
        result = run_episode(stack, settings=settings)
        outcomes.append((result.feedback.status.value, result.skills_used))
    assert outcomes == [
        ("rejected", []),
        ("success", ["free_spot", "pick_and_place", "surface_under"]),
    ]


def test_resuming_a_bench_with_another_library_is_refused(
    library_file: Path, tmp_path: Path
) -> None:
    from codepolicy.errors import ConfigError

    out = tmp_path / "bench"
    settings = BenchmarkSettings(
        suites=["pick-place-seen"], seeds=[0], backend="kinematic", out=out,
        planner="program", program=CALLS_SKILL, skill_library=str(library_file),
    )  # fmt: skip
    run_benchmark(settings)
    library_file.write_text(library_file.read_text().replace("Put the block", "Put a block"))
    settings.seeds, settings.resume = [0, 1], True
    with pytest.raises(ConfigError, match=r"--resume with different settings.*skill_library"):
        run_benchmark(settings)
