# scenario: block-corner-by-bowl-seen
# wrong: puts the block into the bowl instead of the corner
# uses: block, bowl, relation
pick_and_place(block, bowl)
