# scenario: block-by-direction-seen
# wrong: grasps the bowl named in the instruction instead of the block beside it
# uses: bowl, direction, location
grasp(bowl)
place(location)
