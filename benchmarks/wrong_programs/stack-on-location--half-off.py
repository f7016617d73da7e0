# scenario: stack-on-location-seen
# wrong: puts each block 2.2 cm off the one below
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
pick_and_place(blocks[0], location)
for below, above in zip(blocks, blocks[1:]):
    p = get_object_position(below)
    pick_and_place(above, [float(p[0]), float(p[1]) - 0.022])
