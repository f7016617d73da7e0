"""Static vetting."""

from __future__ import annotations

import pytest

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import vet_program


def codes(source: str, registry: Registry) -> set[str]:
    return {p.code for p in vet_program(source, registry).problems}


def test_clean_program(registry: Registry) -> None:
    src = """
import math
import numpy as np
from numpy.linalg import norm
import random

def approach(name, height=0.1):
    p = get_object_position(name)
    move_to(list(p + np.array([0, 0, height])))
    return norm(p)

objs = perceive()
for o in sorted(objs, key=lambda o: o.name):
    d = approach(o.name)
    print(f"{o.name}: {d:.2f} {math.pi:.1f} {random.random() < 2}")
    try:
        grasp(o.name)
    except GraspMissed as e:
        say("missed " + str(e))
    place(target="bin")
print("{} done {name}".format(1, name="x"))
"""
    report = vet_program(src, registry)
    assert report.ok, report.summary()
    assert report.defined_functions == ["approach"]
    assert "grasp" in report.primitives_used


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("import os", "forbidden_import"),
        ("import numpy.linalg", "forbidden_import"),
        ("from os import path", "forbidden_import"),
        ("from math import *", "forbidden_import"),
        ("from numpy import save", "forbidden_import"),
        ("x = ().__class__", "underscore_attribute"),
        ("_x = 1", "underscore_name"),
        ("def f(_a):\n    return 1", "underscore_name"),
        ("print(sep_=1, _k=2)", "underscore_name"),
        ("eval('1')", "banned_name"),
        ("x = getattr", "banned_name"),
        ("type('A', (), {})", "banned_name"),
        ("print('{0.real}'.format(1))", "format_string"),
        ("print('{a[0]}'.format(a=[1]))", "format_string"),
        ("s = '{}'\nprint(s.format(1))", "format_string"),
        ("f = '{}'.format", "format_string"),
        ("np.save('x', 1)", "banned_attribute"),
        ("np.zeros(2).tofile('x')", "banned_attribute"),
        ("a = np.zeros(2).ctypes", "banned_attribute"),
        ("np.fromiter([1], float)", "module_attribute"),
        ("np.linalg.lapack_lite", "module_attribute"),
        ("math.sys", "module_attribute"),
        ("class A:\n    pass", "forbidden_statement"),
        ("with x:\n    pass", "forbidden_statement"),
        ("async def f():\n    pass", "forbidden_statement"),
        ("def f():\n    global grasp", "forbidden_statement"),
        ("s = '__class__'", "dunder_string"),
        ("def g():\n    yield 1\ng().gi_frame", "banned_attribute"),
        ("grasp = 3", "shadows_primitive"),
        ("print(undefined_thing)", "unknown_name"),
        ("x = (", "syntax_error"),
    ],
)
def test_problem_codes(registry: Registry, source: str, code: str) -> None:
    assert code in codes(source, registry)


def test_generators_and_lambda_allowed(registry: Registry) -> None:
    src = "def g(n):\n    yield from range(n)\n\nf = lambda x: x * 2\nprint(list(map(f, g(3))))"
    assert vet_program(src, registry).ok


def test_unknown_primitive_suggestion(registry: Registry) -> None:
    report = vet_program("grab('cube')\n", registry)
    assert not report.ok
    (problem,) = report.problems
    assert problem.code == "unknown_primitive"
    assert problem.message == "unknown primitive 'grab'; did you mean 'grasp'?"
    assert (problem.line, problem.col, problem.source_line) == (1, 1, "grab('cube')")


def test_suggestion_includes_program_functions(registry: Registry) -> None:
    src = "def stack_blocks(a, b):\n    grasp(a)\n\nstack_block('x', 'y')\n"
    report = vet_program(src, registry)
    assert report.problems[0].message == (
        "unknown primitive 'stack_block'; did you mean 'stack_blocks'?"
    )


def test_undefined_functions_listed_for_planner(registry: Registry) -> None:
    src = "clear_table()\nfor n in ['a']:\n    stack_on(n, target='b')\nstack_on('c', 'd')\n"
    report = vet_program(src, registry, allow_undefined=True)
    assert report.ok
    by_name = {u.name: u for u in report.undefined_functions}
    assert set(by_name) == {"clear_table", "stack_on"}
    assert by_name["stack_on"].lines == [3, 4]
    assert by_name["stack_on"].arg_counts == [1, 2]
    assert by_name["stack_on"].keywords == ["target"]
    strict = vet_program(src, registry)
    assert not strict.ok and len(strict.undefined_functions) == 2


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("grasp()", "missing a required argument: 'name'"),
        ("grasp('a', 'b')", "too many positional arguments"),
        ("place('bin', where='x')", "unexpected keyword argument 'where'"),
        ("move_to([1, 2, 3], 0.1, 3)", "too many positional arguments"),
        ("def f(a, *, b):\n    pass\n\nf(1)", "missing a required argument: 'b'"),
    ],
)
def test_wrong_argument_counts(registry: Registry, source: str, fragment: str) -> None:
    report = vet_program(source, registry)
    assert [p.code for p in report.problems] == ["bad_arguments"]
    assert fragment in report.problems[0].message


def test_literal_argument_types(registry: Registry) -> None:
    report = vet_program("grasp(5)\nmove_to('up')\n", registry)
    assert [(p.line, p.code) for p in report.problems] == [
        (1, "bad_argument_type"),
        (2, "bad_argument_type"),
    ]


def test_star_args_not_counted(registry: Registry) -> None:
    assert vet_program("args = ['cube']\ngrasp(*args)\n", registry).ok


def test_all_problems_reported_at_once(registry: Registry) -> None:
    src = "\n".join(
        [
            "import os",  # 1
            "x = ().__class__",  # 2
            "eval('1')",  # 3
            "print('{0.real}'.format(1))",  # 4
            "np.save('f', x)",  # 5
            "grab('cube')",  # 6
            "grasp()",  # 7
            "class A:",  # 8
            "    pass",
        ]
    )
    report = vet_program(src, registry)
    lines = {p.line: p.code for p in report.problems}
    assert lines == {
        1: "forbidden_import",
        2: "underscore_attribute",
        3: "banned_name",
        4: "format_string",
        5: "banned_attribute",
        6: "unknown_primitive",
        7: "bad_arguments",
        8: "forbidden_statement",
    }
    assert all(p.source_line for p in report.problems)
    assert "line 6:1: [unknown_primitive]" in report.summary()


def test_syntax_error_is_a_problem(registry: Registry) -> None:
    report = vet_program("x = 1\nif x\n    pass\n", registry)
    assert not report.ok
    assert report.problems[0].code == "syntax_error"
    assert report.problems[0].line == 2


@pytest.mark.parametrize(
    "source", ["x = 1\x00", "x = " + "(" * 1000 + ")" * 1000, "x = " + "1+" * 100_000 + "1"]
)
def test_vetting_never_raises(registry: Registry, source: str) -> None:
    report = vet_program(source, registry)
    assert isinstance(report.ok, bool)


def test_a_long_program_is_vetted_whole(registry: Registry) -> None:
    # Speed is measured side by side in benchmarks/, not timed here (this machine is shared).
    src = "\n".join(f"grasp('o{i}')\nplace(target='b{i}')" for i in range(2000))
    assert vet_program(src, registry).ok
    bad = src + "\nimport os"
    assert [p.line for p in vet_program(bad, registry).problems] == [4001]
