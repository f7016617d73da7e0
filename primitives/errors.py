"""Typed failures of primitives.

A program can catch these by name (``except GraspMissed:``); the feedback records them as data with
their ``code``. :class:`ProgramHalt` subclasses are not catchable by programs: the host stops the
program and reports the matching status.
"""

from __future__ import annotations


class PrimitiveError(Exception):
    """Base class of every failure a primitive reports to the program."""

    code = "primitive_error"


class InvalidArgument(PrimitiveError):
    """An argument is malformed or out of range."""

    code = "invalid_argument"


class UnknownObject(InvalidArgument):
    """No object of that name is in the scene."""

    code = "unknown_object"


class UnknownLocation(InvalidArgument):
    """No named location of that name."""

    code = "unknown_location"


class OutOfWorkspace(InvalidArgument):
    """A position lies outside the workspace."""

    code = "out_of_workspace"


class Unreachable(PrimitiveError):
    """The arm cannot bring the gripper to the position (inverse kinematics failed)."""

    code = "unreachable"


class GraspMissed(PrimitiveError):
    """The gripper closed but holds nothing."""

    code = "grasp_missed"


class ObjectDropped(PrimitiveError):
    """The held object slipped out of the gripper."""

    code = "object_dropped"


class CollisionError(PrimitiveError):
    """The arm hit something it should not have."""

    code = "collision"


class NotHolding(PrimitiveError):
    """The primitive needs a held object and the gripper holds nothing."""

    code = "not_holding"


class AlreadyHolding(PrimitiveError):
    """The gripper already holds an object."""

    code = "already_holding"


class ModelRequired(PrimitiveError):
    """A primitive that asks a language model (a CaP helper LMP) ran without a configured model."""

    code = "model_required"


class HelperFailed(PrimitiveError):
    """The model's code for a helper LMP could not be used (rejected, failed or gave no value)."""

    code = "helper_failed"


class ProgramHalt(Exception):
    """Ends the program at once; programs cannot catch it."""

    code = "halt"


class SafetyStop(ProgramHalt):
    """A host-side safety check refused a motion (workspace, speed); the robot stops."""

    code = "safety_stop"


class BudgetExceeded(ProgramHalt):
    """The program used more primitive calls or simulated time than the scenario allows."""

    code = "budget_exceeded"


CATCHABLE_ERRORS: tuple[type[PrimitiveError], ...] = (
    PrimitiveError,
    InvalidArgument,
    UnknownObject,
    UnknownLocation,
    OutOfWorkspace,
    Unreachable,
    GraspMissed,
    ObjectDropped,
    CollisionError,
    NotHolding,
    AlreadyHolding,
    ModelRequired,
    HelperFailed,
)
"""Error classes a program sees by name, each mapping to its ``code`` across the process boundary."""

ERRORS_BY_CODE: dict[str, type[PrimitiveError] | type[ProgramHalt]] = {
    **{cls.code: cls for cls in CATCHABLE_ERRORS},
    SafetyStop.code: SafetyStop,
    BudgetExceeded.code: BudgetExceeded,
}
