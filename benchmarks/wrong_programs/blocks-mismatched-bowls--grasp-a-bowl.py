# scenario: blocks-mismatched-bowls-seen
# wrong: tries to bring the bowls to the blocks
# uses: 
objects = perceive()
bowls = [o for o in objects if o.kind == "bowl"]
blocks = [o for o in objects if o.kind == "block"]
grasp(bowls[0].name)
place(blocks[0].name)
