"""PyBullet's native chatter stays off stdout, and a GUI without a display is a sentence, not an exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from codepolicy.envs import bullet


def test_worlds_print_nothing_natively_on_stdout_or_stderr() -> None:
    code = (
        "from codepolicy.envs.world import TabletopWorld\n"
        "w = TabletopWorld(); w.close(); TabletopWorld().close()\n"
        "print('only this')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout == "only this\n"
    assert "argv[0]" not in done.stderr and "pybullet build time" not in done.stderr


def test_prompt_output_can_be_redirected_to_a_file_uncorrupted() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codepolicy", "run", "pick-place", "--backend", "physics"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "argv[0]" not in done.stdout and "build time" not in done.stdout
    assert done.stdout.splitlines()[0].startswith(("pick-place is a family", "No planner"))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "DISPLAY is not set"),
        ({"DISPLAY": "nonsense"}, "not a valid X display"),
        ({"DISPLAY": ":987"}, "no X server answers on DISPLAY=:987"),
    ],
)
def test_display_problems_are_named(environ: dict[str, str], expected: str) -> None:
    if sys.platform.startswith(("darwin", "win")):
        pytest.skip("only X11 displays are checked")
    problem = bullet.display_problem(environ)
    assert problem is not None and expected in problem


def test_gui_without_a_display_raises_instead_of_exiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bullet, "display_problem", lambda: "no display: DISPLAY is not set")
    with pytest.raises(bullet.GuiUnavailable, match=r"--gui needs a display.*--video FILE"):
        bullet.connect(gui=True)


def test_the_redirect_restores_the_streams_and_keeps_what_was_said() -> None:
    import os

    with bullet.quiet_native_output() as said:
        os.write(1, b"native hello\n")
    assert said == ["native hello\n"]
    assert os.write(1, b"") == 0  # fd 1 is usable again
