# uses:
# Stack all the blocks into one tower, on the block nearest the middle of the table.
middle = get_location("middle")
blocks = [o for o in perceive() if o.kind == "block"]
blocks.sort(key=lambda o: np.linalg.norm(np.array(o.position[:2]) - middle[:2]))
top = blocks[0].name
for block in blocks[1:]:
    pick_and_place(block.name, top)
    top = block.name
