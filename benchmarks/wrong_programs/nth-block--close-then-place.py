# scenario: nth-block-seen
# wrong: closes the gripper above the block instead of grasping it, then places
# uses: ordinal, side, location
keys = {"left": lambda o: o.position[0], "right": lambda o: -o.position[0], "top": lambda o: -o.position[1], "bottom": lambda o: o.position[1]}
blocks = sorted([o for o in perceive() if o.kind == "block"], key=keys[side])
p = blocks[int(ordinal) - 1].position
move_to([p[0], p[1], 0.15])
close_gripper()
place(location)
