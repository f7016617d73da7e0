"""Test doubles shipped with the package (used by our tests, demos and baselines, never at run time).

- :mod:`codepolicy.testing.scripted_server`: a scripted OpenAI-compatible server on loopback, with
  injectable faults (429, 500, slow, garbage, empty).
"""
