"""Errors shared by every layer: :class:`ConfigError`, the one type for bad configuration.

A configuration error is a problem with what the user asked for — an unknown profile, backend or
planner, options that conflict or that would be ignored — as opposed to a failure while running.
The library raises it with a sentence saying what is wrong; the CLI maps it to exit code 2, and
``bench`` records it (with its message) when it happens inside a worker.

Example:
    >>> str(ConfigError("--provider replay needs --planner llm"))
    '--provider replay needs --planner llm'
"""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration (name, option, combination of options) is invalid; the message says why."""
