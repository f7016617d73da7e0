"""Seeded mutants of the shipped scenario files, for the fuzz test of the scenario CLI."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
EXTREME = [0, -1, 1e308, -1e308, 10**18, -(10**18), 2**63, math.nan, math.inf, 1e-320, 10**400]
ODD_VALUES: list[Any] = [None, True, "", "x" * 5000, [], {}, [[[]]], {"a": {"b": {}}}, 3.5, -7]
TEMPLATE_BREAKS = [
    "{", "}", "{unknown}", "{block.name}", "{0}", "{{", "{block!r}", "{block:>999999999}",
    "{block[0]}", "{}", "{ block }", "{__class__}", "%s", "{block.__dict__}",
]  # fmt: skip
YAML_INJECTIONS = [
    "&a", "*nowhere", "!!python/object/apply:os.system ['id']", "? [a, b]", "<<: *x", "\t",
    "- - -", "{", "]", "%YAML 1.1", "---", "...", "|", ">", "!!binary AAA=", "!!float abc",
    "key: &k [*k]", ": :", "'unterminated", '"bad \\q escape"', "@reserved", "`tick",
    "!!set {a, b}", "!!timestamp 2001-13-45", "0o777777777777777777777", "[" * 80,
]  # fmt: skip


def shipped() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml")) + sorted(SCENARIOS.glob("adapters/*.yaml"))


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def _data_mutation(rng: random.Random, data: Any) -> Any:
    paths = list(_paths(data))
    path = rng.choice(paths)
    parent, last = _get(data, path[:-1]), path[-1]
    kind = rng.randrange(6)
    if kind == 0:  # delete
        del parent[last]
    elif kind == 1 and isinstance(parent, dict):  # rename
        parent[str(last) + rng.choice(["x", "_", "s", " ", "."])] = parent.pop(last)
    elif kind == 2:  # wrong type
        parent[last] = rng.choice(ODD_VALUES)
    elif kind == 3:  # extreme number
        numbers = [p for p in paths if isinstance(_get(data, p), int | float)]
        target = rng.choice(numbers) if numbers else path
        _get(data, target[:-1])[target[-1]] = rng.choice(EXTREME)
    elif kind == 4:  # broken template
        strings = [p for p in paths if isinstance(_get(data, p), str)]
        if strings:
            target = rng.choice(strings)
            text = _get(data, target)
            cut = rng.randrange(len(text) + 1)
            _get(data, target[:-1])[target[-1]] = (
                text[:cut] + rng.choice(TEMPLATE_BREAKS) + text[cut:]
            )
    else:  # duplicate a subtree somewhere else
        other = rng.choice(paths)
        parent[last] = _get(data, other) if other[: len(path)] != path else None
    return data


def _text_mutation(rng: random.Random, text: str) -> str:
    kind = rng.randrange(3)
    if kind == 0:  # truncation
        return text[: rng.randrange(len(text))]
    lines = text.splitlines()
    i = rng.randrange(len(lines) + 1)
    if kind == 1:  # injected YAML syntax
        snippet = rng.choice(YAML_INJECTIONS)
        if rng.random() < 0.5 and i < len(lines):
            lines[i] = lines[i] + " " + snippet
        else:
            lines.insert(i, snippet)
    else:  # duplicated line (duplicate keys)
        if lines:
            j = rng.randrange(len(lines))
            lines.insert(i, lines[j])
    return "\n".join(lines) + "\n"


def mutants(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """``count`` (name, yaml text) mutants of the shipped scenarios, deterministic in ``seed``."""
    rng = random.Random(seed)
    files = shipped()
    makers: list[Callable[[random.Random, Path], str]] = [
        lambda r, p: yaml.safe_dump(
            _data_mutation(r, yaml.safe_load(p.read_text())), sort_keys=False
        ),
        lambda r, p: _text_mutation(r, p.read_text()),
    ]
    for n in range(count):
        path = files[n % len(files)]
        maker = makers[rng.randrange(len(makers))]
        text = maker(rng, path)
        for _ in range(rng.randrange(2)):  # sometimes a second mutation on top
            text = _text_mutation(rng, text)
        yield f"{n:03d}-{path.stem}", text
