# scenario: blocks-to-location-seen
# wrong: puts every block on exactly the same spot, each landing on the previous one
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
spot = get_location(location)
for name in blocks:
    pick_and_place(name, [float(spot[0]), float(spot[1])])
