"""Declarative success conditions: the language, evaluation, explanations and dense reward."""
