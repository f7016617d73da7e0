# uses:
# Put each block in a different corner, each to the nearest free corner.
corners = ["top left corner", "top right corner", "bottom left corner", "bottom right corner"]
free = {name: get_location(name)[:2] for name in corners}
for block in [o for o in perceive() if o.kind == "block"]:
    here = np.array(block.position[:2])
    corner = min(free, key=lambda c: float(np.linalg.norm(free[c] - here)))
    del free[corner]
    if float(np.linalg.norm(get_location(corner)[:2] - here)) > 0.03:
        pick_and_place(block.name, corner)
