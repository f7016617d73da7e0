from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.robot.helpers import Served, serve


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One unpaced physics robot server process for a test module."""
    served = serve(tmp_path_factory.mktemp("robot"))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def realtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One physics robot server for a test module, paced at real time (motions take seconds)."""
    served = serve(tmp_path_factory.mktemp("robot-rt"), rate=1.0)
    yield served
    served.stop()
