"""JSON Schema export and the pydantic models."""

from __future__ import annotations

import json

from codepolicy.scenario import scenario_json_schema, scenario_json_schema_text
from codepolicy.scenario.catalog import shipped_files
from codepolicy.scenario.schema import ScenarioFile
from codepolicy.scenario.yamlio import read_yaml


def test_schema_is_json_and_describes_the_file() -> None:
    schema = json.loads(scenario_json_schema_text())
    assert schema == json.loads(json.dumps(scenario_json_schema()))
    assert schema["type"] == "object"
    for field in (
        "family",
        "instruction_split",
        "objects",
        "variables",
        "instructions",
        "success",
        "budget",
    ):
        assert field in schema["properties"]
    assert set(schema["required"]) >= {
        "family",
        "instruction_split",
        "difficulty",
        "success",
        "budget",
    }
    assert "On" in schema["$defs"] and "PickVar" in schema["$defs"]


def test_shipped_files_round_trip_through_the_model() -> None:
    for path in shipped_files():
        data = read_yaml(path.read_text(), str(path)).data
        spec = ScenarioFile.model_validate(data)
        again = ScenarioFile.model_validate(spec.model_dump(by_alias=True, exclude_none=True))
        assert again == spec
