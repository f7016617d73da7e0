"""A skill library: helper functions mined from successful programs, offered to later runs.

- :mod:`~codepolicy.skills.sources`: the programs to mine (bench run directories, ``.py`` files).
- :mod:`~codepolicy.skills.vetting`: whether one function may be a skill.
- :mod:`~codepolicy.skills.normalize`: canonical forms (deduplication), renames, docstrings.
- :mod:`~codepolicy.skills.mine`: functions → a deduplicated, named, documented library.
- :mod:`~codepolicy.skills.library`: the versioned JSON file, validated with pydantic.
- :mod:`~codepolicy.skills.use`: a library in a run (vetted again, prelude, prompt lines, usage).

See ``docs/skills.md``.
"""
