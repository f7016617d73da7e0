"""Declarative adapter specs: how to drive one third-party gymnasium env through our primitives.

A spec says which env to make, how to read the end-effector position, the gripper width and each
object's pose out of the env's observation dict, the names and kinds the objects get, where the env's
workspace is and how it maps onto the tabletop frame, and how to ask the env for its own success
signal. Adding an env of the same kind (action = end-effector displacement + gripper command) needs a
spec file, not a backend. The shipped specs live in ``specs/*.yaml`` beside this module.

Readers are small expressions over the observation dict: ``observation[0:3]`` (a slice),
``observation[6]`` (one number) or ``sum(observation[9:11])``; an env whose observation is one flat
array (Meta-World) has it read as ``observation``.

Example:
    >>> spec = get_spec("panda-pick-and-place")
    >>> spec.env_id, [o.name for o in spec.objects]
    ('PandaPickAndPlace-v3', ['cube', 'target'])
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

READER_PATTERN = re.compile(
    r"^(?P<sum>sum\()?(?P<key>[a-z_]+)\[(?P<start>\d+)(?::(?P<stop>\d+))?\](?(sum)\))$"
)


def _check_reader(text: str) -> str:
    if not READER_PATTERN.match(text.replace(" ", "")):
        raise ValueError(
            f"'{text}' is not a reader; write key[i], key[i:j] or sum(key[i:j]), "
            "e.g. observation[0:3]"
        )
    return text.replace(" ", "")


Reader = Annotated[str, AfterValidator(_check_reader)]
"""An expression that picks numbers out of the observation dict."""

Range = tuple[float, float]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameSpec(_Strict):
    """Where the env's workspace is (env coordinates) and how it maps onto the tabletop frame.

    Our coordinates are ``R(yaw) · (p_env − origin)``: ``origin`` is the env point that becomes our
    origin (the table surface at z = 0), ``yaw_deg`` turns the env's axes onto ours.
    """

    origin: tuple[float, float, float]
    yaw_deg: float = 0.0
    workspace_x: Range = Field(description="Allowed end-effector x range, env coordinates.")
    workspace_y: Range
    workspace_z: Range


class GripperSpec(_Strict):
    """How the gripper command (the last action component) changes the finger opening."""

    gain: float = Field(gt=0, description="Action per metre of wanted width change.")
    max_width: float = Field(gt=0, description="Widest opening, metres.")
    width: Reader = Field(description="Reader of the finger opening (times width_scale: metres).")
    width_scale: float = Field(1.0, gt=0, description="Metres per unit the width reader gives.")
    close: Literal[-1, 1] = Field(
        -1, description="The gripper command that closes the fingers (-1: panda-gym, Fetch)."
    )


class SnapshotSpec(_Strict):
    """The env's own state snapshot, for exact resets of a reused world (dotted method paths on
    the unwrapped env): ``save()`` returns an id, ``restore(id)`` restores it, ``remove(id)`` frees it;
    ``prepare()`` runs just before a save (e.g. collision detection, so contacts are part of it)."""

    save: str
    restore: str
    remove: str | None = None
    prepare: str | None = None


class ObjectSpec(_Strict):
    """One object (or goal) the env reports, as programs will see it."""

    name: str = Field(min_length=1)
    kind: Literal["block", "target"] = Field(
        description="'block' can be grasped; 'target' is a place (a goal), not graspable."
    )
    color: str
    position: Reader
    size: tuple[float, float, float]


class AdapterSpec(_Strict):
    """Everything needed to drive one env (see the module doc)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    extra: str = Field(description="The codepolicy extra that installs the env's package.")
    module: str = Field(description="Module that registers the env ids when imported.")
    env_id: str
    make_kwargs: dict[str, Any] = Field(default_factory=dict)
    env_settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Attributes set on the unwrapped env after making it (dotted paths).",
    )
    step_seconds: float = Field(gt=0, description="Simulated seconds per env step.")
    action_scale: float = Field(gt=0, description="End-effector displacement (m) per unit action.")
    ee_position: Reader
    ee_offset: tuple[float, float, float] = Field(
        (0.0, 0.0, 0.0),
        description="Added to ee_position (env coordinates): from the reported hand to the fingertips.",
    )
    command: Literal["hand", "integrated"] = Field(
        "hand",
        description="What a displacement is added to: the hand's position (panda-gym, Fetch) or "
        "the env's own commanded position, which the hand lags (Meta-World's mocap).",
    )
    gripper: GripperSpec | None = None
    frame: FrameSpec
    objects: list[ObjectSpec] = Field(default_factory=list)
    success: str = Field(
        description="Dotted path of the env's success function, called (achieved_goal, desired_goal), "
        "or info.<key>: that entry of the latest step's info dict (Meta-World's info.success)."
    )
    seed_call: str | None = Field(
        None,
        description="Dotted path of a method called with the seed before each reset, for envs "
        "whose reset ignores its seed argument (Meta-World: seed).",
    )
    tolerance: float = Field(
        0.006, gt=0, description="A move is done this close (m) to its target."
    )
    max_move_steps: int = Field(200, gt=0, description="Step budget of one move.")
    snapshot: SnapshotSpec | None = Field(
        None, description="The env's state snapshot methods: resets of a reused world are exact."
    )
    settle_steps: int = Field(
        0, ge=0, description="Most idle steps after a reset while objects come to rest."
    )


class SpecError(ValueError):
    """A spec file is invalid, or no spec has that name (the message says which and why)."""


def _spec_files() -> dict[str, Any]:
    folder = resources.files("codepolicy.envs.adapters").joinpath("specs")
    return {f.name.removesuffix(".yaml"): f for f in folder.iterdir() if f.name.endswith(".yaml")}


def parse_spec(data: Any, source: str) -> AdapterSpec:
    """Validate spec data; errors name the source and every bad field."""
    try:
        return AdapterSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise SpecError(f"{source}: invalid adapter spec: {problems}") from None


def load_spec_file(path: str) -> AdapterSpec:
    """An adapter spec from a YAML file of one's own."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read the adapter spec: {exc}") from None
    return parse_spec(data, path)


@cache
def get_spec(name: str) -> AdapterSpec:
    """A shipped spec by name, e.g. ``"fetch-push"``.

    Raises:
        SpecError: unknown name (listing the shipped ones) or an invalid file.
    """
    import yaml

    files = _spec_files()
    if name not in files:
        raise SpecError(f"unknown adapter world '{name}'; shipped: {', '.join(sorted(files))}")
    return parse_spec(yaml.safe_load(files[name].read_text(encoding="utf-8")), f"{name}.yaml")


def spec_names() -> list[str]:
    """Names of the shipped specs, sorted."""
    return sorted(_spec_files())
