# scenario: block-by-distance-seen
# wrong: places the block at x = 0.5 m, beyond the workspace
# uses: bowl, relation, location
blocks = [o for o in perceive() if o.kind == "block"]
pick_and_place(blocks[0].name, [0.5, -0.5])
