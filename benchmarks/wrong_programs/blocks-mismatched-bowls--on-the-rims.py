# scenario: blocks-mismatched-bowls-seen
# wrong: places each block on the near rim of a bowl of another colour
# uses: 
objects = perceive()
blocks = [o for o in objects if o.kind == "block"]
bowls = [o for o in objects if o.kind == "bowl"]
for block in blocks:
    bowl = [b for b in bowls if b.color != block.color][0]
    pick_and_place(block.name, [bowl.position[0], bowl.position[1] + 0.06])
