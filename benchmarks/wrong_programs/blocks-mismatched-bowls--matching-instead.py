# scenario: blocks-mismatched-bowls-seen
# wrong: puts each block into the bowl of its own colour
# uses: 
objects = perceive()
bowls = {o.color: o.name for o in objects if o.kind == "bowl"}
for block in [o for o in objects if o.kind == "block"]:
    if block.color in bowls:
        pick_and_place(block.name, bowls[block.color])
