"""``python -m codepolicy`` runs the command line."""

from codepolicy.cli.main import main

main()
