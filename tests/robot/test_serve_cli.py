"""``codepolicy robot serve`` refuses unsafe configurations with a sentence."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.robot.helpers import CLI, free_port

pytestmark = pytest.mark.timeout(60)


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "robot", "serve", *args], capture_output=True, text=True, timeout=50
    )


def test_refuses_to_start_without_a_key() -> None:
    done = _serve("--driver", "physics", "--listen", f"tcp://127.0.0.1:{free_port()}")
    assert done.returncode == 2
    assert "refuses to run unauthenticated" in done.stderr


def test_insecure_mode_is_for_loopback_only() -> None:
    done = _serve("--driver", "physics", "--listen", "tcp://0.0.0.0:5555", "--insecure-localhost")
    assert done.returncode == 2 and "only serves loopback" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--driver", "nosuch"), "unknown driver 'nosuch'; known drivers: franky, physics"),
        (("--driver", "physics", "--listen", "localhost:5"), "must look like tcp://HOST:PORT"),
        (("--driver", "physics", "--max-accel", "1.0"), "always accelerates at 2.0 m/s^2"),
        (("--driver", "physics", "--workspace", "1,2,3"), "--workspace must be six numbers"),
        (("--driver", "physics", "--driver-option", "speedy"), "must be KEY=VALUE"),
        (("--driver", "physics", "--driver-option", "turbo=1"), "unknown option(s) turbo"),
    ],
)
def test_bad_configuration_exits_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    key = tmp_path / "k"
    subprocess.run([*CLI, "robot", "keygen", str(key)], check=True, capture_output=True)
    listen = () if "--listen" in args else ("--listen", f"tcp://127.0.0.1:{free_port()}")
    done = _serve(*args, *listen, "--key-file", str(key))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr


def test_keygen_refuses_to_overwrite(tmp_path: Path) -> None:
    key = tmp_path / "k"
    first = subprocess.run([*CLI, "robot", "keygen", str(key)], capture_output=True, text=True)
    assert first.returncode == 0 and oct(key.stat().st_mode & 0o777) == "0o600"
    again = subprocess.run([*CLI, "robot", "keygen", str(key)], capture_output=True, text=True)
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr
