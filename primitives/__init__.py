"""The vetted API a program may call: typed, documented, validated robot primitives."""
