# uses: location
# Stack all the blocks into one tower standing on a corner or side.
blocks = [o.name for o in perceive() if o.kind == "block"]
pick_and_place(blocks[0], location)
for below, above in zip(blocks, blocks[1:]):
    pick_and_place(above, below)
