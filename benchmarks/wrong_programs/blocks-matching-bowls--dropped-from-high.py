# scenario: blocks-matching-bowls-seen
# wrong: opens the gripper 30 cm above each bowl
# uses: 
objects = perceive()
bowls = {o.color: o for o in objects if o.kind == "bowl"}
for block in [o for o in objects if o.kind == "block"]:
    if block.color in bowls:
        grasp(block.name)
        p = bowls[block.color].position
        move_to([p[0], p[1], 0.3])
        open_gripper()
