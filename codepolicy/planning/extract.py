"""Extract the program from a model's answer.

Rules, in order:

1. Reasoning in ``<think>…</think>`` (or ``<thinking>``) is removed. A lone ``</think>`` (the
   opening tag was part of the chat template) removes everything before it; an unclosed
   ``<think>`` removes everything after it.
2. Fenced blocks (```` ``` ```` or ``~~~``, any indentation) are collected. An unterminated fence
   (the answer was cut off) runs to the end of the answer.
3. Candidates are the blocks tagged ``python``/``py``/``python3``; if there are none, the untagged
   blocks that parse as Python. Blocks tagged with another language (``bash``, ``json``,
   ``text``...) are never used.
4. The program is the **last** candidate, plus every earlier candidate that defines a name
   (function, variable, import) the chosen blocks use but do not define themselves — found by
   walking backwards, so helper blocks placed before the main block are kept. Chosen blocks are
   joined in answer order, separated by a blank line.
5. Without fences, the largest run of lines that parses as Python and contains at least one
   statement that does something (a call, assignment, import, definition or control flow) is the
   program; surrounding prose lines are dropped.

If nothing is found the result has ``code=None`` and a ``reason`` for the feedback, e.g.
``no Python code found in the answer: 'I cannot see a red block…'``. The code is not vetted here:
a chosen block with a syntax error is still returned (with ``syntax_error`` set), so the vetting
step reports it with line numbers.

Example:
    >>> extract_program("Sure!\\n```python\\nsay('hi')\\n```").code
    "say('hi')"
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

PYTHON_TAGS = frozenset({"python", "py", "python3", "py3", "ipython", "pycon"})
"""Fence info strings taken as Python (case-insensitive)."""
MAX_UNFENCED_LINES = 200
"""Unfenced answers longer than this are only tried whole, to bound the search."""

_THINK_PAIR = re.compile(r"<(think|thinking)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(think|thinking)>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"<(think|thinking)>", re.IGNORECASE)
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
_DOING = (
    ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Import, ast.ImportFrom, ast.FunctionDef,
    ast.For, ast.While, ast.If, ast.Try, ast.With, ast.Return, ast.Raise, ast.Assert, ast.Delete,
)  # fmt: skip


@dataclass(frozen=True)
class Block:
    """A fenced block: its info-string language (lower case, "" if none) and dedented code."""

    language: str
    code: str
    terminated: bool = True


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract_program` found.

    Attributes:
        code: The program, or None if no code was found.
        reason: How the code was found, or why none was (shown in feedback).
        blocks_used: How many fenced blocks make up the program (0 for unfenced code).
        blocks_found: How many fenced blocks the answer had in all.
        syntax_error: ``"line N: message"`` if the program does not parse, else None.
    """

    code: str | None
    reason: str
    blocks_used: int = 0
    blocks_found: int = 0
    syntax_error: str | None = None

    @property
    def ok(self) -> bool:
        """True if code was found."""
        return self.code is not None


def strip_reasoning(answer: str) -> str:
    """Remove ``<think>`` reasoning (see the module doc for the rules)."""
    text = _THINK_PAIR.sub("", answer)
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        text = text[closes[-1].end() :]
    opened = _THINK_OPEN.search(text)
    if opened:
        text = text[: opened.start()]
    return text


def find_blocks(text: str) -> list[Block]:
    """All fenced blocks in ``text``, in order."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match.group("fence")
        info = match.group("info").strip().split()
        language = info[0].lower().lstrip("{.").rstrip("}") if info else ""
        body: list[str] = []
        i += 1
        terminated = False
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                terminated = True
                i += 1
                break
            body.append(lines[i])
            i += 1
        code = textwrap.dedent("\n".join(body)).strip("\n")
        blocks.append(Block(language, code, terminated))
    return blocks


def _parses(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError):
        return None


def _names(code: str) -> tuple[set[str], set[str]]:
    """(names the code defines at top level, names it loads anywhere); empty if it won't parse."""
    tree = _parses(code)
    if tree is None:
        return set(), set()
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    defined.add(sub.id)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return defined, used


def _does_something(tree: ast.Module) -> bool:
    return any(isinstance(node, (*_DOING, ast.Call)) for node in ast.walk(tree))


def _syntax_error(code: str) -> str | None:
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except ValueError as exc:
        return str(exc)
    return None


def _choose(candidates: list[Block]) -> list[Block]:
    chosen = [candidates[-1]]
    defined, used = _names(candidates[-1].code)
    for block in reversed(candidates[:-1]):
        block_defines, block_uses = _names(block.code)
        if block_defines & (used - defined):
            chosen.insert(0, block)
            defined |= block_defines
            used |= block_uses
    return chosen


def _may_start_statement(line: str) -> bool:
    """Whether a line could begin a Python statement (prose lines almost never can)."""
    text = line.strip()
    if not text:
        return False
    if text.endswith(("(", "[", "{", ",", "\\")):
        return True
    return _parses(text) is not None or _parses(text + "\n    pass") is not None


def _unfenced(text: str) -> str | None:
    lines = text.strip("\n").splitlines()
    if not lines:
        return None
    starts = [i for i, line in enumerate(lines) if _may_start_statement(line)]
    spans = (
        [(0, len(lines))]
        if len(lines) > MAX_UNFENCED_LINES
        else sorted(
            ((start, end) for start in starts for end in range(start + 1, len(lines) + 1)),
            key=lambda span: (span[0] - span[1], span[0]),
        )
    )
    for start, end in spans:
        if not lines[end - 1].strip():
            continue
        while end - start > 1 and re.fullmatch(r"[A-Za-z_]\w*", lines[end - 1]):
            end -= 1  # a trailing bare word ("Done") is prose, not a statement
        code = textwrap.dedent("\n".join(lines[start:end]))
        tree = _parses(code)
        if tree is not None and _does_something(tree):
            return code.strip("\n")
    return None


def _preview(answer: str) -> str:
    flat = " ".join(answer.split())
    if not flat:
        return "the answer is empty"
    return repr(flat[:80] + ("…" if len(flat) > 80 else ""))


def extract_program(answer: str) -> Extraction:
    """Find the program in a model's answer (see the module doc for the rules).

    Args:
        answer: The model's full answer text.

    Returns:
        The extraction; ``code`` is None when no code was found, with ``reason`` saying why.
    """
    text = strip_reasoning(answer)
    blocks = find_blocks(text)
    python = [b for b in blocks if b.language in PYTHON_TAGS and b.code.strip()]
    untagged = [b for b in blocks if not b.language and b.code.strip() and _parses(b.code)]
    candidates = python or untagged
    if candidates:
        chosen = _choose(candidates)
        code = "\n\n".join(b.code for b in chosen)
        kind = "python-tagged" if python else "untagged"
        how = f"{len(chosen)} of {len(candidates)} {kind} fenced block(s)"
        if not chosen[-1].terminated:
            how += " (the last block has no closing fence; the answer may be cut off)"
        return Extraction(code, how, len(chosen), len(blocks), _syntax_error(code))
    if not blocks:
        code_or_none = _unfenced(text)
        if code_or_none is not None:
            return Extraction(code_or_none, "unfenced code in the answer", 0, 0)
    if blocks:
        languages = sorted({b.language or "untagged" for b in blocks})
        detail = f"{len(blocks)} fenced block(s) ({', '.join(languages)}) but none is Python; "
    else:
        detail = ""
    where = "after removing <think> reasoning, " if text != answer else ""
    return Extraction(
        None,
        f"no Python code found in the answer: {where}{detail}{_preview(text or answer)}",
        0,
        len(blocks),
    )
