# scenario: block-by-direction-seen
# wrong: puts the right block into the bowl instead of the location, dropping it from 25 cm
# uses: bowl, direction, location
directions = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "top": (0.0, 1.0), "bottom": (0.0, -1.0)}
unit = np.array(directions[direction])
center = get_object_position(bowl)
blocks = [o for o in perceive() if o.kind == "block"]
block = max(blocks, key=lambda o: float(np.dot(np.array(o.position[:2]) - center[:2], unit)))
grasp(block.name)
place([float(center[0]), float(center[1]), 0.25])
