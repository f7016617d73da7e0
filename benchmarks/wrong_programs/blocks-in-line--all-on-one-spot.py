# scenario: blocks-in-line-seen
# wrong: puts every block at the middle, piling them into a tower
# uses: orientation
for block in [o for o in perceive() if o.kind == "block"]:
    pick_and_place(block.name, "middle")
