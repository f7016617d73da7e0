"""Code-as-Policies shape code: shapely's constructors and transforms inside the sandbox."""

from __future__ import annotations

from codepolicy.primitives.profiles import get_profile
from codepolicy.sandbox.session import DispatchResult, run_program
from codepolicy.sandbox.vetting import vet_program


def _said(program: str) -> list[str]:
    said: list[str] = []

    def dispatch(spec: object, args: dict[str, object]) -> DispatchResult:
        said.append(str(args["message"]))
        return DispatchResult()

    result = run_program(program, get_profile("cap"), dispatch)  # type: ignore[arg-type]
    assert result.ok, result.error
    return said


def test_shapes_are_there_unqualified_and_as_affinity() -> None:
    program = (
        "line = rotate(LineString([[0, 0], [0.3, 0]]), 90)\n"
        "tri = affinity.scale(Polygon([[0, 0], [1, 0], [0, 1]]), xfact=0.5, yfact=0.5)\n"
        "say(str(round(line.length, 3)) + ' ' + str(round(tri.area, 4)))\n"
    )
    assert _said(program) == ["0.3 0.125"]


def test_shape_internals_stay_refused() -> None:
    report = vet_program("p = Point(0, 0)\nq = p._geom\n", get_profile("cap"))
    assert not report.ok and "starts with '_'" in report.summary()
