"""One small registry type for everything that plugs in by name, including third-party packages.

Backends, planners, model providers, primitive profiles, replanning strategies and perception kinds
each have one :class:`Registry`. Our own entries register in code; a separately installed package adds
its own through an entry-point group (``codepolicy.backends``, ``codepolicy.profiles``, ...) without
editing ours — in its ``pyproject.toml``::

    [project.entry-points."codepolicy.profiles"]
    tiny = "tiny_plugin:TINY_PROFILE"

Entry points are read once, the first time a registry is asked for a name or its list of names; a
plugin that fails to load is reported (as a :class:`~codepolicy.errors.ConfigError`) only when its
name is asked for, so one broken plugin does not break the others.

Example:
    >>> colours: Registry[str] = Registry("colour", group="example.colours")
    >>> colours.register("red", "#ff0000")
    '#ff0000'
    >>> colours.get("red")
    '#ff0000'
    >>> colours.get("bogus")
    Traceback (most recent call last):
    ...
    codepolicy.errors.ConfigError: unknown colour 'bogus'; choose one of: red
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar, overload

from codepolicy.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind, from code and from an entry-point group.

    Args:
        kind: What an entry is, for messages (``"profile"`` → "unknown profile 'x'").
        group: Entry-point group third-party packages register under, or None for none.
    """

    def __init__(self, kind: str, group: str | None = None) -> None:
        self.kind = kind
        self.group = group
        self._entries: dict[str, T] = {}
        self._broken: dict[str, str] = {}
        self._loaded = group is None

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...
    @overload
    def register(self, name: str, entry: T) -> T: ...
    def register(self, name: str, entry: T | None = None) -> T | Callable[[T], T]:
        """Add ``entry`` under ``name`` (or, without an entry, return a decorator that adds one).

        Raises:
            ValueError: the name is already taken.
        """

        def add(value: T) -> T:
            if name in self._entries:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._entries[name] = value
            return value

        return add if entry is None else add(entry)

    def unregister(self, name: str) -> None:
        """Remove ``name`` (tests and plugins replacing an entry)."""
        self._entries.pop(name, None)

    def get(self, name: str) -> T:
        """The entry called ``name``.

        Raises:
            ConfigError: "unknown <kind> '<name>'; choose one of: ..." (or why its plugin failed).
        """
        self._load()
        if name in self._entries:
            return self._entries[name]
        if name in self._broken:
            raise ConfigError(self._broken[name])
        raise ConfigError(self.unknown_message(name))

    def unknown_message(self, name: str) -> str:
        """The sentence for an unknown name, listing the known ones (and the closest)."""
        names = self.names()
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown {self.kind} '{name}'{hint}; choose one of: {', '.join(names)}"

    def check(self, name: str) -> str:
        """Return ``name`` if it is registered; raise :class:`ConfigError` otherwise."""
        self.get(name)
        return name

    def names(self) -> list[str]:
        """Every registered name, ours first, in registration order."""
        self._load()
        return list(self._entries)

    def items(self) -> list[tuple[str, T]]:
        """(name, entry) pairs in registration order."""
        self._load()
        return list(self._entries.items())

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        assert self.group is not None
        for ep in entry_points(group=self.group):
            if ep.name in self._entries:
                continue  # ours win: a plugin cannot silently replace a shipped entry
            try:
                self._entries[ep.name] = ep.load()
            except Exception as exc:  # a broken plugin must not break the others
                self._broken[ep.name] = (
                    f"{self.kind} '{ep.name}' (entry point {ep.value!r} in group "
                    f"'{self.group}') failed to load: {type(exc).__name__}: {exc}"
                )
