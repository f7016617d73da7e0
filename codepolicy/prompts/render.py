"""Render prompts from Jinja2 templates shipped as package data.

A template is rendered twice, once with ``part == "system"`` and once with ``part == "user"``;
the shipped ones extend ``_base.jinja``, which dispatches to ``{% block system %}`` and
``{% block user %}``. A custom template file may do the same (``{% extends "_base.jinja" %}``
works from any directory) or test ``part`` itself. An empty system part means no system message.

The API reference is generated here from the registry (``def signature:`` plus the docstring of
every primitive), together with the errors a program can catch and the modules it may import, so
a prompt can never drift from the code.

Template variables: ``instruction``, ``scene_lines``, ``object_names`` (parsed from the scene
lines, or ``extra["object_names"]``), ``feedback``, ``extra``, ``api_calls`` (one line per call,
what the shipped prompts show: :mod:`codepolicy.prompts.reference`), ``api_reference`` (``def``
stubs with docstrings), ``errors_reference``, ``error_names``, ``location_names``,
``allowed_imports``, ``primitives`` (list of dicts with ``name``,
``signature``, ``summary``, ``doc``), ``has(name)`` (is a primitive in the registry),
``skills`` (a skill library's functions, dicts with ``signature`` and ``summary``; empty without
a library, and the shipped prompts then show no skills section) and ``variant``.
"""

from __future__ import annotations

import importlib.resources
import os
import re
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from codepolicy.envs.frame import LOCATIONS
from codepolicy.llm.base import Message
from codepolicy.primitives.errors import CATCHABLE_ERRORS
from codepolicy.primitives.registry import Registry
from codepolicy.prompts.reference import call_reference, error_names
from codepolicy.sandbox.policy import ALLOWED_MODULES, PRELOADED_NAMES

TEMPLATE_SUFFIX = ".jinja"
_OBJECT_LINE = re.compile(r"^(?P<name>.+?) at \(")


class PromptTemplateError(ValueError):
    """A template could not be found, parsed or rendered; the message names file and line."""


def shipped_variants() -> list[str]:
    """Names of the templates shipped with codepolicy (files not starting with ``_``)."""
    root = importlib.resources.files("codepolicy.prompts") / "templates"
    return sorted(
        entry.name.removesuffix(TEMPLATE_SUFFIX)
        for entry in root.iterdir()
        if entry.name.endswith(TEMPLATE_SUFFIX) and not entry.name.startswith("_")
    )


def _load_shipped(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    resource = importlib.resources.files("codepolicy.prompts") / "templates" / name
    if not resource.is_file():
        return None
    source = resource.read_text(encoding="utf-8")
    return source, f"codepolicy/prompts/templates/{name}", lambda: True


def api_reference(registry: Registry) -> str:
    """The primitives as Python stubs: ``def signature:`` and the indented docstring."""
    parts = []
    for spec in registry:
        doc = spec.doc.strip() or "(undocumented)"
        body = textwrap.indent(f'"""{doc}\n"""' if "\n" in doc else f'"""{doc}"""', "    ")
        parts.append(f"def {spec.signature_text}:\n{body}")
    return "\n\n".join(parts)


def errors_reference() -> str:
    """One line per error class a program may catch by name."""
    lines = []
    for cls in CATCHABLE_ERRORS:
        base = next((b.__name__ for b in cls.__bases__ if b is not Exception), "Exception")
        doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        lines.append(f"- {cls.__name__} ({base}): {doc}")
    return "\n".join(lines)


def allowed_imports_text() -> str:
    """E.g. ``math, numpy (as np), random; np and math are available without importing``."""
    aliases = {module: name for name, module in PRELOADED_NAMES.items() if name != module}
    names = [f"{m} (as {aliases[m]})" if m in aliases else m for m in sorted(ALLOWED_MODULES)]
    preloaded = " and ".join(sorted(PRELOADED_NAMES))
    return f"{', '.join(names)}; {preloaded} are available without importing"


def object_names_from_scene(scene_lines: Sequence[str]) -> list[str]:
    """Object names from :func:`codepolicy.feedback.scene.describe_scene` lines."""
    names = []
    for line in scene_lines:
        match = _OBJECT_LINE.match(line)
        if match:
            names.append(match.group("name"))
    return names


def _environment(search_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if search_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(search_dir)))
    loaders.append(jinja2.FunctionLoader(_load_shipped))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _locate(variant_or_path: str | os.PathLike[str]) -> tuple[jinja2.Environment, str]:
    text = os.fspath(variant_or_path)
    shipped = shipped_variants()
    if text in shipped:
        return _environment(None), text + TEMPLATE_SUFFIX
    path = Path(text)
    if path.is_file():
        return _environment(path.resolve().parent), path.name
    looks_like_path = os.sep in text or text.endswith(TEMPLATE_SUFFIX)
    problem = f"no template file {text}" if looks_like_path else f"unknown prompt variant {text!r}"
    raise PromptTemplateError(
        f"{problem}; shipped variants: {', '.join(shipped)} (a path to a Jinja2 template file "
        "is also accepted)"
    )


def template_sources(variant_or_path: str | os.PathLike[str]) -> dict[str, str]:
    """Every template a prompt is made of — the variant and, recursively, what it extends or
    includes — by name, with its source. Hash these to record exactly which prompt ran.

    Example:
        >>> sorted(template_sources("zero-shot"))[:3]
        ['_base.jinja', '_continue.jinja', '_function.jinja']
    """
    env, name = _locate(variant_or_path)
    assert env.loader is not None
    sources: dict[str, str] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in sources:
            continue
        source, _, _ = env.loader.get_source(env, current)
        sources[current] = source
        try:
            referenced = jinja2.meta.find_referenced_templates(env.parse(source))
        except jinja2.TemplateSyntaxError as exc:
            raise _render_error(exc, current) from None
        pending.extend(ref for ref in referenced if ref is not None)
    return dict(sorted(sources.items()))


_CONTAMINATED = re.compile(r"^\s*contaminated:\s*(?P<families>[\w\-, ]+?)\s*$", re.MULTILINE)


def contaminated_families(variant_or_path: str | os.PathLike[str]) -> list[str]:
    """Benchmark families whose tasks a prompt's examples solve, as the template declares them.

    A template says so in a comment line ``contaminated: stack-blocks, pick-place``; results of
    such a variant on those families measure copying, and the bench manifest records it.

    Example:
        >>> contaminated_families("zero-shot")
        []
    """
    found: list[str] = []
    for source in template_sources(variant_or_path).values():
        for match in _CONTAMINATED.finditer(source):
            found += [f.strip() for f in match.group("families").split(",") if f.strip()]
    return sorted(set(found))


def _render_error(exc: Exception, fallback_file: str) -> PromptTemplateError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name or fallback_file}:{exc.lineno}"
        return PromptTemplateError(f"{where}: template syntax error: {exc.message}")
    where = fallback_file
    tb = exc.__traceback__
    while tb is not None:  # Jinja rewrites tracebacks so template frames carry template lines
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIX):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return PromptTemplateError(f"{where}: template error: {type(exc).__name__}: {exc}")


def render_prompt(
    variant_or_path: str | os.PathLike[str],
    registry: Registry,
    instruction: str,
    scene_lines: list[str],
    feedback: str | None = None,
    extra: dict[str, Any] | None = None,
    skills: Sequence[tuple[str, str]] = (),
) -> list[Message]:
    """Render a prompt: a system message (if the template has one) and a user message.

    Args:
        variant_or_path: A shipped variant (see :func:`shipped_variants`) or a template file path.
        registry: The primitives the program may call; their signatures and docstrings are shown.
        instruction: The task in words.
        scene_lines: Scene description lines (:func:`codepolicy.feedback.scene.describe_scene`).
        feedback: Compact feedback on the previous attempt; adds the replan section.
        extra: More template variables (available as ``extra``).
        skills: (signature, summary) of the skill library's functions the program may call.

    Returns:
        ``[system, user]`` messages (``[user]`` if the system part renders empty).

    Raises:
        PromptTemplateError: unknown variant or missing file (lists the shipped variants), a
            template syntax error or a rendering error (names the file and line).
    """
    env, name = _locate(variant_or_path)
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise _render_error(exc, name) from None
    except jinja2.TemplateNotFound as exc:
        raise PromptTemplateError(f"{name}: template not found: {exc}") from None
    extra = dict(extra or {})
    names = set(registry.names())
    variables: dict[str, Any] = {
        "variant": Path(name).stem,
        "instruction": instruction.strip(),
        "scene_lines": list(scene_lines),
        "object_names": extra.get("object_names") or object_names_from_scene(scene_lines),
        "feedback": feedback.strip() if feedback else None,
        "extra": extra,
        "api_reference": api_reference(registry),
        "api_calls": call_reference(registry),
        "error_names": error_names(registry),
        "location_names": ", ".join(f'"{name}"' for name in LOCATIONS),
        "errors_reference": errors_reference(),
        "allowed_imports": allowed_imports_text(),
        "primitives": [
            {"name": s.name, "signature": s.signature_text, "summary": s.summary, "doc": s.doc}
            for s in registry
        ],
        "has": names.__contains__,
        "skills": [{"signature": sig, "summary": summary} for sig, summary in skills],
    }
    parts: dict[str, str] = {}
    for part in ("system", "user"):
        try:
            parts[part] = template.render(variables, part=part).strip()
        except Exception as exc:
            raise _render_error(exc, str(template.filename or name)) from None
    if not parts["user"]:
        raise PromptTemplateError(f"{template.filename or name}: the user part renders empty")
    messages = [Message("system", parts["system"])] if parts["system"] else []
    return [*messages, Message("user", parts["user"])]
