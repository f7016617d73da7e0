# scenario: blocks-to-location-seen
# wrong: carries the first block to the location and stops there holding it
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
spot = get_location(location)
grasp(blocks[0])
move_to([float(spot[0]), float(spot[1]), 0.1])
