# uses: orientation
# Put all the blocks in a straight line, choosing the line whose spots are clearest of other objects.
objects = perceive()
blocks = [o for o in objects if o.kind == "block"]
n = len(blocks)
along = {"horizontal": (1.0, 0.0), "vertical": (0.0, 1.0), "diagonal": (0.7071, 0.7071)}
across = {"horizontal": (0.0, 1.0), "vertical": (1.0, 0.0), "diagonal": (0.7071, -0.7071)}
direction = np.array(along[orientation])
normal = np.array(across[orientation])
spacing = 0.08 if orientation == "diagonal" else 0.09
steps = (np.arange(n) - (n - 1) / 2.0) * spacing
best_spots, best_clearance = None, -1.0
for shift in np.linspace(-0.15, 0.15, 13):
    for slide in np.linspace(-0.06, 0.06, 5):
        center = np.array([0.0, -0.5]) + normal * shift + direction * slide
        spots = [center + direction * s for s in steps]
        inside = all(-0.25 <= p[0] <= 0.25 and -0.75 <= p[1] <= -0.25 for p in spots)
        if not inside:
            continue
        clearance = min(
            float(np.linalg.norm(np.array(o.position[:2]) - p))
            - (0.09 if o.kind == "bowl" else 0.0)
            for o in objects
            for p in spots
        )
        if clearance > best_clearance:
            best_spots, best_clearance = spots, clearance
for block, spot in zip(blocks, best_spots):
    pick_and_place(block.name, [float(spot[0]), float(spot[1])])
