# scenario: stack-blocks-seen
# wrong: stacks two blocks, then grasps the bottom one to move the stack
# uses: 
blocks = [o.name for o in perceive() if o.kind == "block"]
pick_and_place(blocks[1], blocks[0])
grasp(blocks[0])
place("middle")
