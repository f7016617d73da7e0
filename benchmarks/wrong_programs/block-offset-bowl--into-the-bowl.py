# scenario: block-offset-bowl-seen
# wrong: ignores the offset and puts the block into the bowl
# uses: block, bowl, distance, direction
pick_and_place(block, bowl)
