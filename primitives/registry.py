"""The primitive registry: name → spec, from which profiles, prompts and the vetting checks are built.

A primitive is a host-side function whose first parameter is the :class:`PrimitiveContext`-like object
the executor passes in; the rest of its signature is what a program sees. Its docstring is the text a
prompt shows a model, so it is written for a model: what it does, arguments, result, failures.

Example:
    >>> registry = Registry()
    >>> @registry.primitive
    ... def say(ctx: object, message: str) -> None:
    ...     '''Say something to the user.'''
    >>> registry.get("say").signature_text
    'say(message: str) -> None'
    >>> registry.get("say").validate_args(["hi"], {})
    {'message': 'hi'}
"""

from __future__ import annotations

import inspect
import re
import reprlib
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from codepolicy.primitives.errors import InvalidArgument

F = TypeVar("F", bound=Callable[..., Any])


def _type_text(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    if annotation is None or annotation is type(None):
        return "None"
    if hasattr(annotation, "__metadata__"):
        return _type_text(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and not typing.get_args(annotation):
        if annotation.__module__ == "numpy":
            return f"np.{annotation.__name__}"
        return annotation.__name__
    text = str(annotation).replace("typing.", "").replace("collections.abc.", "")
    text = re.sub(r"\b(?:[a-z_]+\.)+([A-Z]\w*)", r"\1", text)
    return text.replace("numpy.ndarray", "np.ndarray").replace("NoneType", "None")


def call_text(name: str, signature: inspect.Signature) -> str:
    """``name(a, b="x")``: how a primitive is called (no types: it is not a definition)."""
    params = [
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in signature.parameters.values()
    ]
    return f"{name}({', '.join(params)})"


@dataclass(frozen=True)
class PrimitiveSpec:
    """One registered primitive.

    Attributes:
        name: The name a program calls.
        impl: Host-side implementation; called as ``impl(ctx, *args, **kwargs)``.
        signature: The program-facing signature (without the context parameter), with resolved hints.
        doc: The docstring, dedented.
        moves_robot: Whether the primitive may move the arm (safety checks and budgets apply).
    """

    name: str
    impl: Callable[..., Any]
    signature: inspect.Signature
    doc: str
    moves_robot: bool = False
    _adapters: dict[str, TypeAdapter[Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def signature_text(self) -> str:
        """``name(arg: type, ...) -> type``, as shown in prompts and error messages."""
        params = []
        for p in self.signature.parameters.values():
            text = p.name
            if p.annotation is not inspect.Parameter.empty:
                text += f": {_type_text(p.annotation)}"
            if p.default is not inspect.Parameter.empty:
                text += f" = {p.default!r}"
            params.append(text)
        returns = _type_text(self.signature.return_annotation) or "None"
        return f"{self.name}({', '.join(params)}) -> {returns}"

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def validate_args(self, args: Iterable[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Bind and type-check call arguments; return them by parameter name.

        Raises:
            InvalidArgument: wrong number of arguments, an unknown keyword, or a value of the wrong
                type. The message names the primitive and the parameter.
        """
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise InvalidArgument(f"{self.signature_text}: {exc}") from None
        bound.apply_defaults()
        checked: dict[str, Any] = {}
        for pname, value in bound.arguments.items():
            adapter = self._adapters.get(pname)
            if adapter is None:
                checked[pname] = value
                continue
            try:
                checked[pname] = adapter.validate_python(value)
            except ValidationError as exc:
                wanted = _type_text(self.signature.parameters[pname].annotation)
                detail = exc.errors()[0]["msg"] if exc.errors() else str(exc)
                shown = reprlib.repr(value)  # bounded: the value may be huge
                raise InvalidArgument(
                    f"{self.name}(): argument '{pname}' must be {wanted}, got {shown} ({detail})"
                ) from None
        return checked


ContextVariables = Callable[[list[str]], dict[str, Any]]
"""Given the detected object names, the variables a profile sets before every program (Code as
Policies puts ``objects = [...]`` in front of each one)."""


class Registry:
    """An ordered collection of primitives; profiles are sub-registries selected by name.

    Args:
        specs: The primitives.
        context: The variables the profile sets before every program (see
            :data:`ContextVariables`), or None.
    """

    def __init__(
        self, specs: Iterable[PrimitiveSpec] = (), context: ContextVariables | None = None
    ) -> None:
        self.context = context
        self._specs: dict[str, PrimitiveSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: PrimitiveSpec) -> None:
        """Register a spec; names are unique."""
        if spec.name in self._specs:
            raise ValueError(f"primitive {spec.name!r} is registered twice")
        self._specs[spec.name] = spec

    def primitive(
        self, func: F | None = None, *, name: str | None = None, moves_robot: bool = False
    ) -> Any:
        """Decorator registering ``func`` (first parameter: the context) as a primitive."""

        def decorate(f: F) -> F:
            self.add(make_spec(f, name=name, moves_robot=moves_robot))
            return f

        return decorate(func) if func is not None else decorate

    def get(self, name: str) -> PrimitiveSpec:
        """The spec called ``name``; ``KeyError`` if there is none."""
        return self._specs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[PrimitiveSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def names(self) -> list[str]:
        """Primitive names in registration order."""
        return list(self._specs)

    def select(self, names: Iterable[str]) -> Registry:
        """A registry holding only ``names``, in the given order (a profile)."""
        missing = [n for n in names if n not in self._specs]
        if missing:
            raise KeyError(f"unknown primitives {missing}; known: {self.names()}")
        return Registry(self._specs[n] for n in names)


def make_spec(
    func: Callable[..., Any], *, name: str | None = None, moves_robot: bool = False
) -> PrimitiveSpec:
    """Build a :class:`PrimitiveSpec` from a host function whose first parameter is the context."""
    hints = typing.get_type_hints(func)
    sig = inspect.signature(func)
    params = list(sig.parameters.values())[1:]
    resolved = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in params]
    signature = sig.replace(
        parameters=resolved, return_annotation=hints.get("return", sig.return_annotation)
    )
    adapters = {
        p.name: TypeAdapter(p.annotation)
        for p in resolved
        if p.annotation is not inspect.Parameter.empty
    }
    return PrimitiveSpec(
        name=name or func.__name__,
        impl=func,
        signature=signature,
        doc=inspect.cleandoc(func.__doc__ or ""),
        moves_robot=moves_robot,
        _adapters=adapters,
    )
