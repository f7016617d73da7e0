# scenario: block-by-direction-seen
# wrong: takes the block on the opposite side of the bowl
# uses: bowl, direction, location
directions = {"left": (1.0, 0.0), "right": (-1.0, 0.0), "top": (0.0, -1.0), "bottom": (0.0, 1.0)}
unit = np.array(directions[direction])
center = get_object_position(bowl)[:2]
blocks = [o for o in perceive() if o.kind == "block"]
block = max(blocks, key=lambda o: float(np.dot(np.array(o.position[:2]) - center, unit)))
pick_and_place(block.name, location)
