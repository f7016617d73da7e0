"""The examples in the success modules' docstrings run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "codepolicy.success",
    "codepolicy.success.spec",
    "codepolicy.success.evaluate",
    "codepolicy.success.explain",
    "codepolicy.success.geometry",
    "codepolicy.success.results",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
