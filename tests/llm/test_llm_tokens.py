"""Offline BPE token counts: exact from the shipped cl100k_base file, else a labelled estimate."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from codepolicy.llm import tokens
from codepolicy.llm.tokens import TokenCount, count_message_tokens, count_tokens


@pytest.fixture
def fresh_encoding() -> Iterator[None]:
    tokens.load_encoding.cache_clear()
    yield
    tokens.load_encoding.cache_clear()


def test_known_counts_are_exact() -> None:
    assert count_tokens("hello world") == TokenCount(2, "cl100k_base", True)
    assert count_tokens("stack all the blocks") == TokenCount(4, "cl100k_base", True)
    assert count_tokens("") == TokenCount(0, "cl100k_base", True)
    assert str(count_tokens("hello world")) == "2 tokens (cl100k_base)"
    assert count_message_tokens(["hello world", "stack all the blocks"]).n == 6


def test_token_ids_match_reference_cl100k() -> None:
    encoding = tokens.load_encoding()
    assert encoding is not None
    assert encoding.encode_ordinary("hello world") == [15339, 1917]
    assert encoding.encode_ordinary("stack all the blocks") == [7848, 682, 279, 10215]
    text = "def grasp(name: str) -> None:\n    '''Pick up.'''  # ünïcode 123456 <|endoftext|>"
    assert encoding.decode(encoding.encode_ordinary(text)) == text


def test_works_with_network_absent(
    fresh_encoding: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tokenizer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    assert count_tokens("stack all the blocks") == TokenCount(4, "cl100k_base", True)
    assert os.listdir(tmp_path) == []  # nothing downloaded or cached


def test_estimate_when_tokenizer_unavailable(
    fresh_encoding: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "_rank_file", lambda: None)
    count = count_tokens("x" * 10)
    assert count == TokenCount(n=3, encoding="estimate (chars/4)", exact=False)
    assert str(count) == "~3 tokens (estimate)"
    assert not count_message_tokens(["abcd", "efgh"]).exact


def test_tampered_rank_file_is_refused(
    fresh_encoding: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "_rank_file", lambda: b"IQ== 0\n")
    assert tokens.load_encoding() is None
    assert not count_tokens("hello").exact
