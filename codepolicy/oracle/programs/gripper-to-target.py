# uses:
# Bring the gripper's fingertips to the target point.
move_to(get_object_position("target"))
