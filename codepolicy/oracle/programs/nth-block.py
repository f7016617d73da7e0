# uses: ordinal, side, location
# Pick the n-th block counted from one side of the table and put it on a corner or side.
keys = {
    "left": lambda o: o.position[0],
    "right": lambda o: -o.position[0],
    "top": lambda o: -o.position[1],
    "bottom": lambda o: o.position[1],
}
blocks = sorted([o for o in perceive() if o.kind == "block"], key=keys[side])
pick_and_place(blocks[int(ordinal) - 1].name, location)
