# scenario: stack-on-location-seen
# wrong: builds the tower first, then tries to carry its base to the location
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
for below, above in zip(blocks, blocks[1:]):
    pick_and_place(above, below)
pick_and_place(blocks[0], location)
