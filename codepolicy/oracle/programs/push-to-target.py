# uses:
# Push the cube to the target with the closed gripper: start behind the cube on the line from the
# target through it, lower to the cube's middle, and push along that line.
cube = get_object_position("cube")
target = get_object_position("target")
size = [o.size for o in perceive() if o.name == "cube"][0]
line = target[:2] - cube[:2]
direction = line / np.linalg.norm(line)
behind = cube[:2] - direction * (size[0] / 2 + 0.03)
low = cube[2]
move_to([behind[0], behind[1], low + 0.1])
move_to([behind[0], behind[1], low])
stop = target[:2] - direction * (size[0] / 2 + 0.01)
move_to([stop[0], stop[1], low])
move_to([stop[0], stop[1], low + 0.1])
