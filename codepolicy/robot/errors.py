"""Failures of the robot link and of robot commands, as the client and the server report them.

:class:`RobotLinkLost` and :class:`RobotRefused` end a running program (they are
:class:`~codepolicy.primitives.errors.ProgramHalt` subclasses), so a lost robot or a refused motion
stops the episode with a clear status instead of letting the program go on.
"""

from __future__ import annotations

from codepolicy.primitives.errors import ProgramHalt, SafetyStop


class RobotError(Exception):
    """Base class of every robot-link failure."""

    code = "robot_error"


class RobotAuthError(RobotError):
    """The server refused our credentials (no key, wrong key), or a reply failed its MAC check."""

    code = "robot_auth"


class RobotProtocolError(RobotError):
    """A malformed, forged or unexpected message."""

    code = "robot_protocol"


class RobotLinkLost(RobotError, ProgramHalt):
    """The connection to the robot server is gone (timeout, server down, session expired)."""

    code = "robot_link_lost"


class RobotRefused(RobotError, SafetyStop):
    """The server refused a command: out of its limits, e-stop latched, read-only session, busy."""

    code = "robot_refused"

    def __init__(self, message: str, reason: str = "refused") -> None:
        super().__init__(message)
        self.reason = reason
