# scenario: nth-block-seen
# wrong: counts from zero: takes the block after the wanted one
# uses: ordinal, side, location
keys = {"left": lambda o: o.position[0], "right": lambda o: -o.position[0], "top": lambda o: -o.position[1], "bottom": lambda o: o.position[1]}
blocks = sorted([o for o in perceive() if o.kind == "block"], key=keys[side])
pick_and_place(blocks[min(int(ordinal), len(blocks) - 1)].name, location)
