# uses:
# Put the blue cube on the target, then stack the green cube on it. A green cube lying close to the
# blue cube or to the target would be in the fingers' way, so it is first moved to a free spot.
def distance(a, b):
    return np.linalg.norm(get_object_position(a)[:2] - get_object_position(b)[:2])


if distance("green cube", "blue cube") < 0.08 or distance("green cube", "target") < 0.08:
    blue = get_object_position("blue cube")[:2]
    target = get_object_position("target")[:2]
    spots = [[x, y] for x in (-0.15, 0.0, 0.15) for y in (-0.65, -0.5, -0.35)]
    free = max(spots, key=lambda p: min(np.linalg.norm(np.array(p) - blue), np.linalg.norm(np.array(p) - target)))
    pick_and_place("green cube", free)
pick_and_place("blue cube", "target")
pick_and_place("green cube", "blue cube")
