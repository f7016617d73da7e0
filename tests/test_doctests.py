"""Every docstring example in the package runs, like gymnasium's (examples that rot mislead users).

Modules are imported by name from the package, never by file path: files under ``tests/`` such as
the hostile programs are data and must not be imported.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import codepolicy

SKIP = {"codepolicy.__main__", "codepolicy.sandbox.zygote"}


def _modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(codepolicy.__path__, prefix="codepolicy.")
        if info.name not in SKIP
    ]
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
