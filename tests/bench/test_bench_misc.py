"""Provenance, prices and the progress display."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from codepolicy.bench.pricing import (
    DEFAULT_PRICES,
    EXAMPLE_NOTE,
    PriceFileError,
    cost_usd,
    load_prices,
    price_for,
)
from codepolicy.bench.progress import BenchProgress
from codepolicy.bench.provenance import (
    git_commit,
    make_manifest,
    manifest_differences,
    prompt_hashes,
    read_manifest,
    sha256_text,
    write_manifest,
)
from codepolicy.bench.record import EpisodeRecord

Make = Callable[..., EpisodeRecord]


def test_git_commit_never_fails(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None  # not a repository
    commit = git_commit()
    assert commit is None or len(commit) == 40


def test_manifest_round_trip(tmp_path: Path) -> None:
    prompt = tmp_path / "system.txt"
    prompt.write_text("You are a robot.")
    manifest = make_manifest(
        models=["b", "a", "a"],
        prompts={"system": prompt, "user": "Stack {x}.", "gone": tmp_path / "missing.txt"},
        settings={"seeds": [0, 1], "path": tmp_path},
        argv=["codepolicy", "bench"],
    )
    assert manifest.models == ["a", "b"]
    assert manifest.prompts["system"] == sha256_text("You are a robot.")
    assert manifest.prompts["gone"] == "unreadable"
    assert manifest.settings["path"] == str(tmp_path)
    assert manifest.prices["gpt-4o"]["note"] == EXAMPLE_NOTE
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == manifest
    assert read_manifest(tmp_path / "none") is None
    changed = manifest.model_copy(update={"settings": {"seeds": [0, 2], "path": str(tmp_path)}})
    assert manifest_differences(manifest, changed) == ["setting 'seeds': [0, 1] -> [0, 2]"]
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(ValueError, match=r"manifest\.json"):
        read_manifest(tmp_path)


def test_prompt_hashes_of_text_and_file(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("abc")
    hashes = prompt_hashes({"a": "abc", "b": path})
    assert (
        hashes["a"]
        == hashes["b"]
        == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    )


def test_prices_lookup_and_files(tmp_path: Path) -> None:
    assert price_for("gpt-4o-mini-2024-07-18", DEFAULT_PRICES) is DEFAULT_PRICES["gpt-4o-mini"]
    assert price_for("gpt-4o-2024-08-06", DEFAULT_PRICES) is DEFAULT_PRICES["gpt-4o"]
    assert price_for("unknown", DEFAULT_PRICES) is None and price_for(None, DEFAULT_PRICES) is None
    assert cost_usd("unknown", 0, 0, DEFAULT_PRICES) == 0.0
    assert cost_usd("unknown", 1, 0, DEFAULT_PRICES) is None
    yaml_file = tmp_path / "prices.yaml"
    yaml_file.write_text("prices:\n  local-llama: {input: 0.1, output: 0.2}\n")
    table = load_prices(yaml_file, base=DEFAULT_PRICES)
    assert table["local-llama"].output == 0.2 and "gpt-4o" in table
    json_file = tmp_path / "prices.json"
    json_file.write_text(json.dumps({"gpt-4o": {"input": 1, "output": 1}}))
    assert load_prices(json_file)["gpt-4o"].input == 1.0
    json_file.write_text('{"m": {"input": 1}}')
    with pytest.raises(PriceFileError, match=r"prices.json: model 'm': output"):
        load_prices(json_file)
    with pytest.raises(PriceFileError, match="cannot read"):
        load_prices(tmp_path / "none.json")


def test_progress_plain_lines(make_record: Make) -> None:
    buf = io.StringIO()
    with BenchProgress(total=3, done=1, console=Console(file=buf, width=200)) as progress:
        assert progress.plain
        progress.update(make_record(seed=0, success=True, primitive_calls=4, tokens_in=1500))
        progress.update(make_record(seed=1, status="crashed"))
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[2/3] stack-blocks-seen|0|zero-shot: success · success 1/1 (100%)")
    assert "4 primitive calls · 1.5k model tokens" in lines[0] and "left" in lines[0]
    assert lines[1].startswith("[3/3]") and "1 crashed" in lines[1] and "left" not in lines[1]


def test_progress_bar_on_a_terminal(make_record: Make) -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=160)
    with BenchProgress(total=2, console=console) as progress:
        assert not progress.plain
        progress.update(make_record(success=True))
        assert progress.eta_seconds() is not None
    assert "success 1/1" in buf.getvalue()
