# scenario: stack-blocks-seen
# wrong: puts each block 2.5 cm off the centre of the one below
# uses: 
blocks = [o.name for o in perceive() if o.kind == "block"]
for below, above in zip(blocks, blocks[1:]):
    p = get_object_position(below)
    pick_and_place(above, [float(p[0]) + 0.025, float(p[1])])
