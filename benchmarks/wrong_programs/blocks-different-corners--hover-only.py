# scenario: blocks-different-corners-seen
# wrong: moves the empty gripper to each corner without picking anything
# uses: 
corners = ["top left corner", "top right corner", "bottom left corner", "bottom right corner"]
for block, corner in zip([o for o in perceive() if o.kind == "block"], corners):
    spot = get_location(corner)
    move_to([float(spot[0]), float(spot[1]), 0.1])
