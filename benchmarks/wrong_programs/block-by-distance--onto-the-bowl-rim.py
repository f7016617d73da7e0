# scenario: block-by-distance-seen
# wrong: puts the right block on the bowl's rim instead of the location
# uses: bowl, relation, location
center = get_object_position(bowl)
blocks = [o for o in perceive() if o.kind == "block"]
distances = [float(np.linalg.norm(np.array(o.position[:2]) - center[:2])) for o in blocks]
index = int(np.argmin(distances)) if relation == "closest" else int(np.argmax(distances))
pick_and_place(blocks[index].name, [float(center[0]) - 0.061, float(center[1])])
