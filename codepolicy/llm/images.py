"""Messages with images in each provider's wire format, and the decision for text-only ones.

Visual feedback (``--feedback-image``) attaches the camera frame to the feedback message as an
:class:`~codepolicy.llm.base.ImagePart`. Each provider sends it its own way:

- OpenAI-compatible servers: the content becomes a list, the text part then an ``image_url`` part
  whose URL is a ``data:image/png;base64,...`` URL (:func:`openai_messages`).
- Anthropic: a base64 ``image`` block before the text block (:func:`anthropic_content`).
- Text-only providers (llama-cpp in process): the image is dropped and a note says so once per
  model (:class:`ImageDropper`); the text still says what the camera saw. A replay file is not a
  provider that sees: it matches requests by key, and the key holds each image's sha256, so a
  recording made with images replays exactly those requests.

Example:
    >>> from codepolicy.llm.base import ImagePart, Message
    >>> msg = Message("user", "look", (ImagePart(b"png", 2, 1),))
    >>> [part["type"] for part in openai_messages([msg])[0]["content"]]
    ['text', 'image_url']
    >>> [block["type"] for block in anthropic_content(msg)]
    ['image', 'text']
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from codepolicy.llm.base import Message


def openai_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The chat messages of an OpenAI-compatible request; a message with images gets list content."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if not m.images:
            out.append(m.text_dict())
            continue
        parts: list[dict[str, Any]] = [{"type": "text", "text": m.content}]
        parts += [{"type": "image_url", "image_url": {"url": i.data_url()}} for i in m.images]
        out.append({"role": m.role, "content": parts})
    return out


def anthropic_content(message: Message) -> str | list[dict[str, Any]]:
    """The ``content`` of one Anthropic message: its text, or image blocks followed by the text."""
    if not message.images:
        return message.content
    blocks: list[dict[str, Any]] = [
        {
            "type": "image",
            "source": {"type": "base64", "media_type": i.media_type, "data": i.base64()},
        }
        for i in message.images
    ]
    blocks.append({"type": "text", "text": message.content})
    return blocks


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


@dataclass
class ImageDropper:
    """Text-only messages for a provider that takes no images, noting once that images were dropped.

    Args:
        provider: Named in the note.
        note: Where the note goes (standard error by default).
    """

    provider: str
    note: Callable[[str], None] = _stderr
    noted: bool = field(default=False, init=False)

    def messages(self, messages: Sequence[Message]) -> list[dict[str, str]]:
        """``{"role", "content"}`` dicts without the images (noted the first time there are any)."""
        if not self.noted and any(m.images for m in messages):
            self.noted = True
            self.note(
                f"Note: provider '{self.provider}' takes text only; the camera image of the "
                "feedback is left out (the feedback text still says what the camera saw)"
            )
        return [m.text_dict() for m in messages]
