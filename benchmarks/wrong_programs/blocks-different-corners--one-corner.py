# scenario: blocks-different-corners-seen
# wrong: puts every block into the same corner
# uses: 
for block in [o for o in perceive() if o.kind == "block"]:
    pick_and_place(block.name, "top left corner")
