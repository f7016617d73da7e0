# uses: block, target
# Pick and place one block on a block or a bowl.
pick_and_place(block, target)
