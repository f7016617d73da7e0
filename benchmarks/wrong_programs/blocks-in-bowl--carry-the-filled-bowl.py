# scenario: blocks-in-bowl-seen
# wrong: fills the bowl, then needlessly carries the full bowl to the other side of the table
# uses: bowl
center = get_object_position(bowl)
offsets = [(-0.024, -0.02), (0.024, -0.02), (0.0, 0.026)]
blocks = [o.name for o in perceive() if o.kind == "block"]
for name, (dx, dy) in zip(blocks, offsets):
    pick_and_place(name, [float(center[0] + dx), float(center[1] + dy)])
grasp(bowl)
place([-float(center[0]) * 0.5, -0.5])
