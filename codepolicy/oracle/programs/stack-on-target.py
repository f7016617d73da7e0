# uses:
# Put the blue cube on the target, then stack the green cube on it.
pick_and_place("blue cube", "target")
pick_and_place("green cube", "blue cube")
