# scenario: blocks-in-line-seen
# wrong: spaces the blocks 2 cm apart, so each lands half on the previous one
# uses: orientation
blocks = [o for o in perceive() if o.kind == "block"]
for i, block in enumerate(blocks):
    pick_and_place(block.name, [-0.05 + 0.02 * i, -0.5])
