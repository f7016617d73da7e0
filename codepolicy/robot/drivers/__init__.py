"""Built-in robot drivers: ``physics`` (simulated device) and ``franky`` (Franka robots)."""
