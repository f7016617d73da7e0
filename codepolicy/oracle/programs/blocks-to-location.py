# uses: location
# Put all the blocks at one named location, side by side (within 4.5 cm of it).
target = get_location(location)
toward_middle = np.sign(get_location("middle") - target)
offsets = [
    np.array([0.0, 0.0]),
    np.array([toward_middle[0] or 1.0, 0.0]) * 0.045,
    np.array([0.0, toward_middle[1] or 1.0]) * 0.045,
]
blocks = [o.name for o in perceive() if o.kind == "block"]
for name, offset in zip(blocks, offsets):
    spot = target[:2] + offset
    pick_and_place(name, [float(spot[0]), float(spot[1])])
