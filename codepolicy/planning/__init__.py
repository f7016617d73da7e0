"""Planning: turning an instruction into a program, and a failed attempt into a better one."""
