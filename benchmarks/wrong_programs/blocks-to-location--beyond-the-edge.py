# scenario: blocks-to-location-seen
# wrong: places the blocks 30 cm past the location, off the table's workspace
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
spot = get_location(location)
for name in blocks:
    pick_and_place(name, [float(spot[0]) * 2.2, float(spot[1]) - 0.3])
