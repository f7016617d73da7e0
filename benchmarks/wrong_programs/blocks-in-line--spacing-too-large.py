# scenario: blocks-in-line-seen
# wrong: spaces the blocks 30 cm apart, running off the workspace
# uses: orientation
blocks = [o for o in perceive() if o.kind == "block"]
for i, block in enumerate(blocks):
    pick_and_place(block.name, [-0.2 + 0.3 * i, -0.5])
