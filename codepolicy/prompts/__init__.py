"""Prompt templates (Jinja2 package data), prompt rendering and offline token counting."""

from codepolicy.llm.tokens import TokenCount, count_message_tokens, count_tokens
from codepolicy.prompts.render import PromptTemplateError, render_prompt, shipped_variants

__all__ = [
    "PromptTemplateError",
    "TokenCount",
    "count_message_tokens",
    "count_tokens",
    "render_prompt",
    "shipped_variants",
]
