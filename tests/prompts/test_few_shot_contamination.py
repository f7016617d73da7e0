"""Few-shot examples stay apart from the benchmarked families, or the variant says it is not."""

from __future__ import annotations

from codepolicy.planning.extract import find_blocks
from codepolicy.primitives.default import DEFAULT
from codepolicy.prompts.render import contaminated_families, render_prompt, shipped_variants
from codepolicy.sandbox.vetting import vet_program
from codepolicy.scenario.catalog import shipped_families


def test_declared_contamination_names_real_families_and_few_shot_has_none() -> None:
    families = {f.name for f in shipped_families()}
    assert contaminated_families("few-shot") == [] and contaminated_families("zero-shot") == []
    assert set(contaminated_families("cap")) <= families and contaminated_families("cap")
    for variant in shipped_variants():
        assert set(contaminated_families(variant)) <= families


def test_few_shot_examples_are_valid_programs_for_tasks_no_family_asks_for() -> None:
    system = render_prompt("few-shot", DEFAULT, "x", [])[0].content
    blocks = [b.code for b in find_blocks(system) if b.language == "python"]
    assert len(blocks) == 3
    for code in blocks:
        assert vet_program(code, DEFAULT).ok, code
    assert "stack" not in system.lower() and "same colour" not in system.lower()
