"""Turning instructions and feedback into programs with a language model.

A :class:`ProgramWriter` renders a prompt (a shipped variant or a user template file), asks the model,
and extracts the program from the answer. Every request it makes is a :class:`Draft`: the messages
sent, the answer, the program found (or why none was), and the usage — which is what replanning
strategies, benchmarks and fine-tuning exports need.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from codepolicy.llm.base import DEFAULT_MAX_TOKENS, Completion, ImagePart, Message, Model
from codepolicy.planning.extract import extract_program
from codepolicy.primitives.registry import Registry
from codepolicy.prompts.render import render_prompt
from codepolicy.sandbox.vetting import UndefinedFunction

CODE_BLOCK_STOP = ("\n```\n", "\n```\r\n")
"""Stop sequences ending the answer at the close of its first complete code block: the prompts ask
for one block, and whatever a small model adds after it costs seconds per token on a CPU. The
opening fence (```` ```python ````) never matches them; extraction accepts the unclosed block."""


@dataclass
class Draft:
    """One model request and what came of it.

    Attributes:
        messages: The messages sent.
        completion: The model's answer (text, usage, latency, cache hit).
        program: The extracted program, or None.
        problem: Why there is no program (no code found, empty or malformed answer).
        purpose: ``"program"``, ``"refine"``, ``"continue"``, ``"candidate"`` or ``"function"``.
    """

    messages: list[Message]
    completion: Completion
    program: str | None
    problem: str | None = None
    purpose: str = "program"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProgramWriter:
    """Writes programs for instructions with a model.

    Args:
        model: The model (any :class:`~codepolicy.llm.base.Model`).
        registry: The primitive profile the programs may use; shown in the prompt.
        prompt: Shipped prompt variant (``zero-shot``, ``few-shot``, ``cot``, ``cap``) or a file.
        temperature: Sampling temperature of single answers.
        max_tokens: Answer length limit.
        stop: Stop sequences (default: the end of the first code block; ``()`` for none).
        skills: (signature, summary) of the skill library's functions the prompt lists (empty:
            no skills section).
    """

    model: Model
    registry: Registry
    prompt: str | Path = "zero-shot"
    temperature: float = 0.0
    max_tokens: int = DEFAULT_MAX_TOKENS
    stop: tuple[str, ...] = CODE_BLOCK_STOP
    skills: list[tuple[str, str]] = field(default_factory=list)

    def messages(
        self,
        instruction: str,
        scene_lines: list[str],
        feedback: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> list[Message]:
        """The exact messages for a request (what ``codepolicy prompt`` prints)."""
        return render_prompt(
            self.prompt, self.registry, instruction, scene_lines, feedback, extra, self.skills
        )

    def write(
        self,
        instruction: str,
        scene_lines: list[str],
        feedback: str | None = None,
        *,
        purpose: str = "program",
        extra: dict[str, Any] | None = None,
        images: tuple[ImagePart, ...] = (),
    ) -> Draft:
        """One program for the instruction (a corrected one when ``feedback`` is given);
        ``images`` go with the last user message (the camera frame of visual feedback)."""
        messages = self.messages(instruction, scene_lines, feedback, extra)
        if images and messages and messages[-1].role == "user":
            messages[-1] = replace(messages[-1], images=images)
        completion = self.model.complete(
            messages, temperature=self.temperature, max_tokens=self.max_tokens, stop=self.stop
        )
        return _draft(messages, completion, purpose, extra)

    def sample(
        self, instruction: str, scene_lines: list[str], n: int, temperature: float
    ) -> list[Draft]:
        """``n`` independent candidate programs, sampled at ``temperature``."""
        messages = self.messages(instruction, scene_lines)
        completions = self.model.sample(
            messages, n, temperature=temperature, max_tokens=self.max_tokens, stop=self.stop
        )
        return [_draft(messages, c, "candidate", None) for c in completions]

    def continuation(
        self, instruction: str, scene_lines: list[str], steps_done: str, failure: str
    ) -> Draft:
        """A program continuing from the current scene after a failed step (closed loop)."""
        extra = {"mode": "continue", "steps_done": steps_done, "failure": failure}
        return self.write(instruction, scene_lines, purpose="continue", extra=extra)

    def function(
        self, instruction: str, scene_lines: list[str], missing: UndefinedFunction, program: str
    ) -> Draft:
        """A definition of the helper function ``missing`` that ``program`` calls."""
        lines = program.splitlines()
        sites = [lines[i - 1].strip() for i in missing.lines if 0 < i <= len(lines)]
        arity = max(missing.arg_counts, default=0)
        args = ", ".join(f"arg{i + 1}" for i in range(arity))
        hint = f"{missing.name}({args})"
        extra = {
            "mode": "function",
            "function_name": missing.name,
            "signature_hint": hint,
            "call_sites": "\n".join(sites) or hint,
        }
        return self.write(instruction, scene_lines, purpose="function", extra=extra)


def _draft(
    messages: list[Message], completion: Completion, purpose: str, extra: dict[str, Any] | None
) -> Draft:
    if not completion.ok:
        problem = completion.problem or "the model returned no usable answer"
        return Draft(messages, completion, None, problem, purpose, extra or {})
    found = extract_program(completion.text)
    if found.code is None:
        return Draft(messages, completion, None, found.reason, purpose, extra or {})
    return Draft(messages, completion, found.code, None, purpose, extra or {})
