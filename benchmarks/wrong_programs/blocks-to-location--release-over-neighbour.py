# scenario: blocks-to-location-seen
# wrong: releases the second block 3 cm beside the first, half on top of it
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
spot = get_location(location)
pick_and_place(blocks[0], location)
pick_and_place(blocks[1], [float(spot[0]) + 0.03, float(spot[1])])
