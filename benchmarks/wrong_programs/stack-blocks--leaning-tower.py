# scenario: stack-blocks-seen
# wrong: offsets every block 1.2 cm further along x, so the tower leans until it tips
# uses: 
blocks = [o.name for o in perceive() if o.kind == "block"]
for below, above in zip(blocks, blocks[1:]):
    p = get_object_position(below)
    pick_and_place(above, [float(p[0]) + 0.012, float(p[1])])
