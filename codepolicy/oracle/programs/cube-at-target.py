# uses:
# Bring the cube to the target wherever the env put it: onto it when it lies on the table, and when
# it floats in the air, carry the cube there and hold it (the env judges the cube's centre).
resting = get_object_position("cube")[2]
grasp("cube")
target = get_object_position("target")
if target[2] > resting + 0.01:
    offset = get_object_position("cube") - get_gripper_position()
    move_to(target - offset)
else:
    place("target")
