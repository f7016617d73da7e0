# Low tier: pick_and_place written by the program itself from TCP moves and the gripper alone.
# Look, rise to a height that clears everything, open, go above the object, descend to 2 cm below
# its top, close, lift; go above the target, descend until the held block's bottom is just above
# the surface there (a block's top, a bowl's floor or the table), open, and rise again.
def surface_under(spot, objects, exclude):
    height = 0.0
    for o in objects:
        if o.name == exclude:
            continue
        d = float(np.linalg.norm(np.array(o.position[:2]) - np.array(spot[:2])))
        if o.kind == "bowl" and d < o.size[0] / 2:
            height = max(height, o.position[2] - o.size[2] / 2 + 0.008)
        elif o.kind == "block" and d < 0.035:
            height = max(height, o.position[2] + o.size[2] / 2)
    return height


def pick_and_place(obj, target):
    objects = perceive()
    found = [o for o in objects if o.name == obj]
    if not found:
        say("I cannot see the " + obj)
        return None
    block = found[0]
    travel = max(0.15, max(o.position[2] + o.size[2] / 2 for o in objects) + block.size[2] + 0.06)
    here = get_gripper_position()
    move_to([here[0], here[1], travel])
    open_gripper()
    x, y, z = block.position
    grip = max(z + block.size[2] / 2 - 0.02, 0.012)
    move_to([x, y, travel])
    move_to([x, y, grip])
    if close_gripper() != obj:
        open_gripper()
        move_to([x, y, travel])
        say("missed the " + obj)
        return None
    move_to([x, y, travel])
    names = {o.name: o for o in objects}
    if isinstance(target, str) and target in names:
        spot = np.array(names[target].position[:2])
    elif isinstance(target, str):
        spot = get_location(target)[:2]
    else:
        spot = np.array(target[:2], dtype=float)
    surface = surface_under(spot, objects, obj)
    release = surface + (grip - (z - block.size[2] / 2)) + 0.008
    move_to([float(spot[0]), float(spot[1]), travel])
    move_to([float(spot[0]), float(spot[1]), release])
    open_gripper()
    move_to([float(spot[0]), float(spot[1]), travel])
    return get_object_position(obj)


