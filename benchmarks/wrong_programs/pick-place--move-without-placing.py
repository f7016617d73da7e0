# scenario: pick-place-seen
# wrong: carries the block above the target and never lets go
# uses: block, target
grasp(block)
xy = get_object_position(target)
move_to([float(xy[0]), float(xy[1]), 0.2])
