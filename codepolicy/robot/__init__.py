"""A real robot behind the same programs: a robot server, its wire protocol and the client backend.

The server (:mod:`codepolicy.robot.server`) owns a hardware driver (:mod:`codepolicy.robot.driver`)
and enforces the robot's own limits, whatever a client sends. Clients authenticate every message
with a shared key (:mod:`codepolicy.robot.protocol`). :class:`~codepolicy.robot.remote.RemoteBackend`
is the client side: a backend like the physics world, whose moves report what the robot really did.
"""
