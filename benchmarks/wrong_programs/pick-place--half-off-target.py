# scenario: pick-place-seen
# wrong: places the block 3 cm beside the target's centre (half off a block)
# uses: block, target
grasp(block)
xy = get_object_position(target)
place([float(xy[0]) + 0.03, float(xy[1])])
