# scenario: blocks-in-bowl-seen
# wrong: tries to carry the bowl to the blocks
# uses: bowl
blocks = [o.name for o in perceive() if o.kind == "block"]
grasp(bowl)
place(blocks[0])
