# uses: block, bowl, relation
# Place a block in the corner closest to (or farthest from) a bowl.
corners = ["top left corner", "top right corner", "bottom left corner", "bottom right corner"]
center = get_object_position(bowl)[:2]
distances = [float(np.linalg.norm(get_location(c)[:2] - center)) for c in corners]
index = int(np.argmin(distances)) if relation == "closest" else int(np.argmax(distances))
pick_and_place(block, corners[index])
