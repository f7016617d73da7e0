"""The API as a small model should see it: one line per *call*, not ``def`` stubs.

Shown ``def name(...):`` stubs with docstrings, a 1.5B model copies them — it re-defines the API
instead of calling it (8 of 14 zero-shot answers did). One line per call, ``name(args) -> what it
returns: what it does``, reads as something to use, and is a third of the tokens. Everything is
generated from the registry, so the prompt cannot drift from the code.

Example:
    >>> from codepolicy.primitives.profiles import get_profile
    >>> print(call_reference(get_profile("default")).splitlines()[7])
    - grasp(name): Pick up an object: approach from above, close the gripper on it, and lift it.
"""

from __future__ import annotations

import inspect
import re

from codepolicy.primitives.cap_lmps import HELPER_NAMES
from codepolicy.primitives.errors import CATCHABLE_ERRORS
from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.primitives.registry import call_text as signature_call_text

_API_CLASS = re.compile(r"\b(?!None\b)[A-Z]\w*")
_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Example|Examples|Note):\s*$")


def doc_section(doc: str, name: str) -> str:
    """The text of a Google-style docstring section (``Returns``...), joined into one line."""
    lines = doc.strip().splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        stripped = line.strip()
        if _SECTION.match(stripped):
            if inside:
                break
            inside = stripped.startswith(f"{name}:")
            continue
        if inside:
            if not stripped and out:
                break
            out.append(stripped)
    return " ".join(s for s in out if s)


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?(?<!\be\.g)(?<!\bi\.e)\.)(\s|$)", text)
    return (match.group(1) if match else text).rstrip(".")


def call_text(spec: PrimitiveSpec) -> str:
    """``name(a, b="x")``: how the primitive is called (no types: it is not a definition)."""
    return signature_call_text(spec.name, spec.signature)


def returns_text(spec: PrimitiveSpec) -> str:
    """What a call gives back: the type; in the docstring's words when the type is a class of the
    API (a model shown ``list[DetectedObject]`` writes ``class DetectedObject``); "" for None."""
    ret = spec.signature.return_annotation
    if ret is inspect.Parameter.empty or ret is None or ret is type(None):
        return ""
    text = spec.signature_text.rsplit(" -> ", 1)[-1].replace("np.ndarray", "numpy array")
    section = doc_section(spec.doc, "Returns")
    if section and _API_CLASS.search(text):
        sentence = _first_sentence(section)
        return sentence[0].lower() + sentence[1:]
    return text


def summary_text(spec: PrimitiveSpec) -> str:
    """The docstring's first sentence (which may wrap), with reST literals made plain."""
    paragraph = []
    for line in spec.doc.strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip())
    text = _first_sentence(" ".join(paragraph).replace("``", ""))
    return f"{text}." if text else "(undocumented)"


def call_reference(registry: Registry) -> str:
    """One line per primitive: ``- name(args): summary Returns what. Args text``.

    No ``->`` arrow: ``name(args) -> type`` reads as the head of a definition; a 1.5B model shown
    it wrote ``def perceive() -> list:`` in 14 of 14 zero-shot answers (docs/baselines.md).
    """
    lines = []
    for spec in registry:
        returns = returns_text(spec)
        gives = f" Returns {returns}." if returns else ""
        args = doc_section(spec.doc, "Args")
        lines.append(
            f"- {call_text(spec)}: {summary_text(spec)}{gives}{' ' + args if args else ''}"
        )
    return "\n".join(lines)


HELPER_ERRORS = frozenset({"ModelRequired", "HelperFailed"})
"""Errors only the helper-LMP primitives raise (Code as Policies' profile)."""


def error_names(registry: Registry | None = None) -> str:
    """The errors a program may catch, as a comma-separated list of names (the helper-LMP errors
    only for a registry that has helper LMPs)."""
    helpers = registry is None or any(name in registry for name in HELPER_NAMES)
    return ", ".join(
        cls.__name__ for cls in CATCHABLE_ERRORS if helpers or cls.__name__ not in HELPER_ERRORS
    )
