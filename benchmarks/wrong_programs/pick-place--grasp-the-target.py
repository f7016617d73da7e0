# scenario: pick-place-seen
# wrong: grasps the target (a bowl or a block) instead of the block, then places it on the block
# uses: block, target
grasp(target)
place(block)
