# scenario: stack-blocks-seen
# wrong: places every block on the first block's name, also when another is already on it
# uses: 
blocks = [o.name for o in perceive() if o.kind == "block"]
for name in blocks[1:]:
    pick_and_place(name, blocks[0])
