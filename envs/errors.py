"""Exceptions a world, a robot or the safety guard raises — below the primitives, so every layer
above sees one class (``except SafetyStop`` cannot miss because of a second import path).

:class:`ProgramHalt` and its subclasses end a running program: programs cannot catch them.
:mod:`codepolicy.primitives.errors` re-exports them next to the errors programs may catch.
"""

from __future__ import annotations


class ProgramHalt(Exception):
    """Ends the program at once; programs cannot catch it."""

    code = "halt"


class SafetyStop(ProgramHalt):
    """A host-side safety check refused a motion (workspace, speed); the robot stops."""

    code = "safety_stop"


class RobotNotConnected(ProgramHalt):
    """A command reached a robot that is not connected (call ``connect()`` first)."""

    code = "robot_not_connected"


class NoGroundTruth(RuntimeError):
    """The scene cannot report ground truth (a real robot's scene); ask perception or the operator."""


class CannotSpawn(RuntimeError):
    """The scene cannot create objects (a real robot's table); lay them out by hand and verify."""
