"""Running episodes: a program, a scenario episode and a backend in, feedback out."""
