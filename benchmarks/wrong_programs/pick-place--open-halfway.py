# scenario: pick-place-seen
# wrong: opens the gripper halfway to the target, dropping the block mid-air
# uses: block, target
grasp(block)
start = get_object_position(block)
goal = get_object_position(target)
mid = (start + goal) / 2
move_to([float(mid[0]), float(mid[1]), 0.2])
open_gripper()
