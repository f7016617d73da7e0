# scenario: block-corner-by-bowl-seen
# wrong: carries the block to the corner and keeps holding it
# uses: block, bowl, relation
corners = ["top left corner", "top right corner", "bottom left corner", "bottom right corner"]
center = get_object_position(bowl)[:2]
distances = [float(np.linalg.norm(get_location(c)[:2] - center)) for c in corners]
index = int(np.argmin(distances)) if relation == "closest" else int(np.argmax(distances))
spot = get_location(corners[index])
grasp(block)
move_to([float(spot[0]), float(spot[1]), 0.06])
