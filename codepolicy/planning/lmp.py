"""Model-backed helper LMPs (Code as Policies' ``parse_position`` and friends) for a running program.

:class:`ModelLMPs` implements :class:`~codepolicy.primitives.cap_lmps.HelperLMPs`. For each helper call
it renders the helper's prompt (package data ``_lmp_<name>.jinja``), asks the model, extracts the
code, writes any helper functions that code calls but nobody defined (CaP's function generation),
vets the result against the profile and runs it in its own sandboxed worker. The helper's primitive
calls go through the episode's host dispatcher, so they act on the same world and count toward the
same budget. The value the code assigned to the result variable is returned to the calling program.

Every request goes through the same model stack as program writing (usage accounting, cache,
replay, retries), and every helper call is logged as an :class:`LMPCall`.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import jinja2

from codepolicy.llm.base import Message, Model
from codepolicy.planning.extract import extract_program
from codepolicy.planning.hierarchy import expand_helpers, undefined_functions
from codepolicy.planning.writer import ProgramWriter
from codepolicy.primitives.cap_lmps import HELPER_NAMES, HelperAnswer
from codepolicy.primitives.errors import HelperFailed, InvalidArgument
from codepolicy.primitives.registry import PrimitiveSpec, Registry, make_spec
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.sandbox.result import Status
from codepolicy.sandbox.session import DispatchResult, Session

RESULT_NAMES = {name: "ret_val" for name in HELPER_NAMES} | {"transform_shape_pts": "new_shape_pts"}
"""The variable each helper's code assigns its answer to (CaP's convention)."""
HELPER_LIMITS = SandboxLimits(wall_seconds=10.0, max_calls=200)
"""Limits of one helper's code run."""
MAX_QUERY_CHARS = 2_000
"""Longest query or context text a program may send to a helper."""


@dataclass
class LMPCall:
    """One helper call: what was asked, the code the model wrote, and what came of it."""

    helper: str
    query: str
    context: str
    code: str | None
    value: Any = None
    error: str | None = None
    functions: list[str] = field(default_factory=list)


def _return(ctx: object, value: Any = None) -> None:
    """Hand the helper's result to the host."""


def _lookup(ctx: object, name: str) -> Any:
    """Read an input variable the calling program passed (e.g. shape_pts)."""


_RETURN = make_spec(_return, name="lmp_result")
_LOOKUP = make_spec(_lookup, name="lmp_input")


def _template(helper: str) -> jinja2.Template:
    root = importlib.resources.files("codepolicy.prompts") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (
                (root / name).read_text(encoding="utf-8") if (root / name).is_file() else None
            )
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    return env.get_template(f"_lmp_{helper}.jinja")


def helper_messages(helper: str, query: str, context: str, registry: Registry) -> list[Message]:
    """The exact messages a helper call sends (its prompt, the context and the query).

    Example:
        >>> from codepolicy.primitives.profiles import get_profile
        >>> msgs = helper_messages("parse_position", "the middle", "", get_profile("cap"))
        >>> msgs[1].content.splitlines()[1]
        '# the middle.'
    """
    api = "\n".join(
        f"- {spec.signature_text}: {spec.summary}"
        for spec in registry
        if spec.name not in HELPER_NAMES or spec.name != helper
    )
    variables = {
        "helper": helper,
        "result_name": RESULT_NAMES[helper],
        "api": api,
        "query": query,
        "context": context,
    }
    template = _template(helper)
    return [
        Message(role="system", content=template.render(part="system", **variables).strip()),
        Message(role="user", content=template.render(part="user", **variables).strip()),
    ]


def define_missing_functions(
    program: str,
    model: Model,
    registry: Registry,
    instruction: str,
    max_depth: int = 2,
    defined: Collection[str] = (),
) -> str:
    """``program`` with the helper functions it calls but does not define written by ``model``
    (CaP's function generation) and placed before it; unchanged when nothing is missing.

    Example:
        >>> from codepolicy.primitives.profiles import get_profile
        >>> define_missing_functions("say('hi')", None, get_profile("cap"), "greet")  # type: ignore[arg-type]
        "say('hi')"
    """
    if not undefined_functions(program, registry, defined):
        return program
    writer = ProgramWriter(model=model, registry=registry, prompt="cap")
    expansion = expand_helpers(program, writer, instruction, [], max_depth, defined)
    return expansion.program


@dataclass
class ModelLMPs:
    """Runs helper LMPs with a model, inside the episode's sandbox and budget.

    Args:
        model: The model stack (usage tracking, cache, replay) to ask.
        registry: The profile the helpers' code may call (the cap profile).
        dispatch: The episode host's dispatcher; the helpers' primitive calls go through it.
        limits: Sandbox limits of one helper's code run.
        seed: Seed of the helpers' workers.
        max_tokens: Answer length limit per request.
        function_depth: Depth of function generation for undefined helpers in the code.
    """

    model: Model
    registry: Registry
    dispatch: Callable[[PrimitiveSpec, dict[str, Any]], DispatchResult]
    limits: SandboxLimits = HELPER_LIMITS
    seed: int = 0
    max_tokens: int = 512
    function_depth: int = 2
    calls: list[LMPCall] = field(default_factory=list)

    def ask(self, name: str, query: str, context: str, variables: dict[str, Any]) -> HelperAnswer:
        """Run helper ``name`` (see :class:`~codepolicy.primitives.cap_lmps.HelperLMPs`)."""
        if name not in RESULT_NAMES:
            raise InvalidArgument(f"unknown helper LMP '{name}'; known: {', '.join(HELPER_NAMES)}")
        if len(query) > MAX_QUERY_CHARS or len(context) > MAX_QUERY_CHARS:
            raise InvalidArgument(
                f"{name}: query and context must be under {MAX_QUERY_CHARS} chars"
            )
        call = LMPCall(helper=name, query=query, context=context, code=None)
        self.calls.append(call)
        try:
            call.code, call.functions = self._write(name, query, context)
            call.value = self._run(name, query, call.code, context, variables)
        except HelperFailed as exc:
            call.error = str(exc)
            raise
        return HelperAnswer(call.value, call.code, tuple(call.functions))

    def _write(self, name: str, query: str, context: str) -> tuple[str, list[str]]:
        messages = helper_messages(name, query, context, self.registry)
        completion = self.model.complete(messages, temperature=0.0, max_tokens=self.max_tokens)
        if not completion.ok:
            raise HelperFailed(
                f"{name}({query!r}): the model gave no answer ({completion.problem})"
            )
        found = extract_program(completion.text)
        if found.code is None:
            raise HelperFailed(f"{name}({query!r}): no code in the model's answer ({found.reason})")
        code = found.code
        writer = ProgramWriter(model=self.model, registry=self._registry(), prompt="cap")
        expansion = expand_helpers(code, writer, query, [], max_depth=self.function_depth)
        return expansion.program, expansion.written

    def _registry(self) -> Registry:
        return Registry([*self.registry, _RETURN, _LOOKUP])

    def _run(
        self, name: str, query: str, code: str, context: str, variables: dict[str, Any]
    ) -> Any:
        result_name = RESULT_NAMES[name]
        inputs = "".join(f"{key} = lmp_input({key!r})\n" for key in variables)
        program = f"{inputs}{context}\n{result_name} = None\n{code}\nlmp_result({result_name})\n"
        box: dict[str, Any] = {}

        def dispatch(spec: PrimitiveSpec, args: dict[str, Any]) -> DispatchResult:
            if spec.name == "lmp_result":
                box["value"] = args["value"]
                return DispatchResult(value=None)
            if spec.name == "lmp_input":
                return DispatchResult(value=variables.get(args["name"]))
            return self.dispatch(spec, args)

        limits = self.limits.model_copy(update={"max_calls": self.limits.max_calls + 1})
        with Session(program, self._registry(), dispatch, limits=limits, seed=self.seed) as session:
            execution = session.run()
        if execution.status is Status.rejected:
            problems = "; ".join(p.message for p in execution.vet.problems) if execution.vet else ""
            raise HelperFailed(f"{name}({query!r}): the model's code was rejected: {problems}")
        if execution.status is not Status.completed or "value" not in box:
            why = execution.error.message if execution.error else execution.status.value
            raise HelperFailed(f"{name}({query!r}): the model's code failed: {why}")
        return box["value"]


@dataclass
class ModelHelp:
    """What a model adds to a program run: its undefined functions written, and the profile's
    helper LMPs served (:class:`~codepolicy.runner.episode.ProgramHelp` for the executor).

    Args:
        model: The model stack to ask.
    """

    model: Model

    def complete(
        self, program: str, registry: Registry, instruction: str, defined: list[str]
    ) -> str:
        """``program`` with the functions it calls but does not define (nor ``defined`` names,
        which earlier programs of the session left) written by the model."""
        return define_missing_functions(program, self.model, registry, instruction, defined=defined)

    def lmps(
        self,
        registry: Registry,
        dispatch: Callable[[PrimitiveSpec, dict[str, Any]], DispatchResult],
        seed: int,
    ) -> ModelLMPs | None:
        """Helper LMPs for a run, when the profile has any."""
        if not any(name in registry for name in HELPER_NAMES):
            return None
        return ModelLMPs(self.model, registry, dispatch, seed=seed)
