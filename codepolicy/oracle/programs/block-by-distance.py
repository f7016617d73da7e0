# uses: bowl, relation, location
# Pick the block closest to (or farthest from) a bowl and put it on a corner or side.
center = get_object_position(bowl)[:2]
blocks = [o for o in perceive() if o.kind == "block"]
distances = [float(np.linalg.norm(np.array(o.position[:2]) - center)) for o in blocks]
index = int(np.argmin(distances)) if relation == "closest" else int(np.argmax(distances))
pick_and_place(blocks[index].name, location)
