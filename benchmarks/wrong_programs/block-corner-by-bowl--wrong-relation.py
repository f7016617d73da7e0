# scenario: block-corner-by-bowl-seen
# wrong: takes the farthest corner when asked for the closest and vice versa
# uses: block, bowl, relation
corners = ["top left corner", "top right corner", "bottom left corner", "bottom right corner"]
center = get_object_position(bowl)[:2]
distances = [float(np.linalg.norm(get_location(c)[:2] - center)) for c in corners]
index = int(np.argmax(distances)) if relation == "closest" else int(np.argmin(distances))
pick_and_place(block, corners[index])
