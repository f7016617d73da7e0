"""Feedback: what the world tells a model after a program ran (status, trace, success, scene changes)."""
