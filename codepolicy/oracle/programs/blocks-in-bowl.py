# uses: bowl
# Put every block into one bowl, side by side on its floor.
center = get_object_position(bowl)
offsets = [(-0.024, -0.02), (0.024, -0.02), (0.0, 0.026)]
blocks = [o.name for o in perceive() if o.kind == "block"]
for name, (dx, dy) in zip(blocks, offsets):
    pick_and_place(name, [float(center[0] + dx), float(center[1] + dy)])
