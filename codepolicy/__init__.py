"""codepolicy: code as policies for robots, run step by step in a sandbox."""

__version__ = "0.1.0"
