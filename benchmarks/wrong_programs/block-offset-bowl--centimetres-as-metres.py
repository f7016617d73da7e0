# scenario: block-offset-bowl-seen
# wrong: reads the distance as centimetres, far beyond the workspace
# uses: block, bowl, distance, direction
directions = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "top": (0.0, 1.0), "bottom": (0.0, -1.0)}
center = get_object_position(bowl)[:2]
spot = center + np.array(directions[direction]) * float(distance) * 10
pick_and_place(block, [float(spot[0]), float(spot[1])])
