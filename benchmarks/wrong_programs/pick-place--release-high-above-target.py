# scenario: pick-place-seen
# wrong: releases the block 30 cm above the target instead of lowering it
# uses: block, target
grasp(block)
xy = get_object_position(target)
place([float(xy[0]), float(xy[1]), 0.3])
