# scenario: pick-place-seen
# wrong: puts a bowl on top of the block instead of the block on the target
# uses: block, target
bowls = [o.name for o in perceive() if o.kind == "bowl"]
grasp(bowls[0])
place(block)
