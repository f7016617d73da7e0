# scenario: stack-blocks-seen
# wrong: builds a tower, then tries to pull out its second block
# uses: 
blocks = [o.name for o in perceive() if o.kind == "block"]
for below, above in zip(blocks, blocks[1:]):
    pick_and_place(above, below)
grasp(blocks[1] if len(blocks) > 2 else blocks[0])
place("bottom right corner")
