# scenario: block-by-distance-seen
# wrong: takes the farthest block when asked for the closest and vice versa
# uses: bowl, relation, location
center = get_object_position(bowl)[:2]
blocks = [o for o in perceive() if o.kind == "block"]
distances = [float(np.linalg.norm(np.array(o.position[:2]) - center)) for o in blocks]
index = int(np.argmax(distances)) if relation == "closest" else int(np.argmin(distances))
pick_and_place(blocks[index].name, location)
