# scenario: blocks-matching-bowls-seen
# wrong: puts each block into a bowl of another colour
# uses: 
objects = perceive()
bowls = [o.name for o in objects if o.kind == "bowl"]
blocks = [o for o in objects if o.kind == "block"]
for i, block in enumerate(blocks):
    others = [b for b in bowls if not b.startswith(block.color)]
    pick_and_place(block.name, others[i % len(others)])
