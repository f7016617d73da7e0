# scenario: nth-block-seen
# wrong: opens the gripper 40 cm above the location
# uses: ordinal, side, location
keys = {"left": lambda o: o.position[0], "right": lambda o: -o.position[0], "top": lambda o: -o.position[1], "bottom": lambda o: o.position[1]}
blocks = sorted([o for o in perceive() if o.kind == "block"], key=keys[side])
grasp(blocks[int(ordinal) - 1].name)
spot = get_location(location)
move_to([float(spot[0]), float(spot[1]), 0.4])
open_gripper()
