# scenario: stack-on-location-seen
# wrong: places the base, then stacks each block onto the base's name again
# uses: location
blocks = [o.name for o in perceive() if o.kind == "block"]
pick_and_place(blocks[0], location)
for above in blocks[1:]:
    pick_and_place(above, location)
