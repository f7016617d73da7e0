"""The ``codepolicy`` command line."""
