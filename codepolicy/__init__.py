"""codepolicy: code as policies for robots, run step by step in a sandbox against a simulated or real world."""

__version__ = "0.1.0"
