# scenario: blocks-different-corners-seen
# wrong: aims 10 cm outside each corner, beyond the workspace
# uses: 
corners = ["top left corner", "top right corner", "bottom left corner", "bottom right corner"]
for block, corner in zip([o for o in perceive() if o.kind == "block"], corners):
    spot = get_location(corner)
    pick_and_place(block.name, [float(spot[0]) * 1.4, float(spot[1])])
