# scenario: stack-blocks-seen
# wrong: releases each block 25 cm above the tower instead of on it
# uses: 
blocks = [o.name for o in perceive() if o.kind == "block"]
base = get_object_position(blocks[0])
for name in blocks[1:]:
    grasp(name)
    place([float(base[0]), float(base[1]), 0.25])
