"""The vetted API a program may call: typed, documented, validated robot primitives."""

if __name__ != "codepolicy.primitives":  # the tree's primitives/ is linked into the package
    raise ImportError(
        f"import codepolicy.primitives, not {__name__}: the same classes under two module names "
        "would not match (an `except GraspMissed` could silently miss)"
    )
