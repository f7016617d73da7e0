"""Visual scene feedback: "what changed" as perception saw it, and the camera frame sent to models."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import codepolicy
from codepolicy.feedback.levels import hidden_names, model_feedback
from codepolicy.llm.base import ImagePart, Message, SamplingParams
from codepolicy.llm.cache import request_key
from codepolicy.llm.images import ImageDropper
from codepolicy.pipeline import load_episode
from codepolicy.planning.planners import LLMOptions
from codepolicy.testing.scripted_server import ScriptedServer

WRONG_BLOCK = "pick_and_place('red block', 'orange bowl')"
"""block-by-distance seed 0 hides 'orange block' (the block closest to the orange bowl)."""


def _fenced(code: str) -> str:
    return f"```python\n{code}\n```"


def _feedback_text(perception: str, backend: str) -> tuple[str, list[str]]:
    episode = load_episode("block-by-distance", 0)
    assert hidden_names(episode) == {"orange block"}
    result = codepolicy.run_episode(
        episode, backend=backend, planner="program", program=WRONG_BLOCK, perception=perception
    )
    assert not result.success
    text = model_feedback(result.feedback, "explain", hidden=hidden_names(episode))
    return text, result.feedback.changes


@pytest.mark.slow
def test_camera_kind_says_what_the_camera_saw_and_hides_the_binding() -> None:
    text, changes = _feedback_text("camera", "physics")
    assert "What changed (seen by the camera):" in text
    assert any(c.startswith("red block moved") and "now in the orange bowl" in c for c in changes)
    assert "orange block" not in text


def test_noisy_kind_on_kinematic_derives_changes_from_its_detections() -> None:
    text, changes = _feedback_text("noisy", "kinematic")
    assert "What changed (as noisy perception saw it):" in text
    assert next(c for c in changes if "moved" in c).endswith("now in the orange bowl")
    assert "orange block" not in text


def test_privileged_changes_stay_exact() -> None:
    result = codepolicy.run_episode(
        "block-by-distance", 0, backend="kinematic", planner="program", program=WRONG_BLOCK
    )
    assert result.feedback.changes_source is None
    assert "What changed:" in result.feedback.to_text()


def _png_size(url: str) -> tuple[int, int]:
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    data = np.frombuffer(base64.b64decode(url[len(prefix) :]), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    assert image is not None
    return image.shape[1], image.shape[0]


def _refine(tmp_path: Path, **llm: object) -> codepolicy.pipeline.EpisodeResult:
    episode = load_episode("pick-place", 0)
    good = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    with ScriptedServer([_fenced("say('looking')"), _fenced(good)]) as server:
        options = LLMOptions(
            model="scripted",
            base_url=server.base_url,
            replan="refine",
            max_rounds=2,
            helper_depth=0,
            cache=False,
            feedback_image=True,
            **llm,  # type: ignore[arg-type]
        )
        result = codepolicy.run_episode(episode, backend="kinematic", planner="llm", llm=options)
        requests = server.chat_requests()
    result.requests = requests  # type: ignore[attr-defined]
    return result


def test_second_request_carries_the_camera_frame_as_image_url(tmp_path: Path) -> None:
    result = _refine(tmp_path)
    assert result.success
    first, second = (r.body["messages"] for r in result.requests)  # type: ignore[attr-defined]
    assert all(isinstance(m["content"], str) for m in first)
    parts = second[-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url"]
    assert "Status: failed" in parts[0]["text"]
    assert _png_size(parts[1]["image_url"]["url"]) == (320, 240)


def test_recordings_hold_the_image_hash_not_its_bytes_and_replay(tmp_path: Path) -> None:
    record = tmp_path / "answers.jsonl"
    assert _refine(tmp_path, record_file=record).success
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    images = lines[1]["request"]["messages"][-1]["images"]
    assert len(images) == 1 and len(images[0]["sha256"]) == 64
    assert (images[0]["width"], images[0]["height"]) == (320, 240)
    assert "base64" not in record.read_text()
    options = LLMOptions(
        model="scripted",
        provider="replay",
        replay_file=record,
        replan="refine",
        max_rounds=2,
        helper_depth=0,
        cache=False,
        feedback_image=True,
    )
    replayed = codepolicy.run_episode(
        "pick-place", 0, backend="kinematic", planner="llm", llm=options
    )
    assert replayed.success


def test_cache_key_changes_with_the_image_and_not_with_its_absence() -> None:
    params = SamplingParams()
    plain = [Message("user", "hi")]
    one = [Message("user", "hi", (ImagePart(b"one", 1, 1),))]
    two = [Message("user", "hi", (ImagePart(b"two", 1, 1),))]
    keys = {request_key("p", "m", m, params) for m in (plain, one, two)}
    assert len(keys) == 3
    assert Message("user", "hi").to_dict() == {"role": "user", "content": "hi"}


def test_text_only_provider_drops_images_with_one_note() -> None:
    notes: list[str] = []
    dropper = ImageDropper("llama-cpp", note=notes.append)
    msg = Message("user", "look", (ImagePart(b"png", 2, 1),))
    assert dropper.messages([msg]) == [{"role": "user", "content": "look"}]
    dropper.messages([msg])
    assert len(notes) == 1 and "text only" in notes[0]
