# uses:
# Put each block into a bowl of a different colour: give block i the bowl of block i+1's colour.
objects = perceive()
blocks = [o for o in objects if o.kind == "block"]
bowls = [o for o in objects if o.kind == "bowl"]
for i, block in enumerate(blocks):
    others = [b for b in bowls if b.color != block.color]
    wanted = [b for b in others if b.color == blocks[(i + 1) % len(blocks)].color]
    pick_and_place(block.name, (wanted or others)[0].name)
