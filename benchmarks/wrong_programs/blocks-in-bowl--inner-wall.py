# scenario: blocks-in-bowl-seen
# wrong: aims 4.5 cm from the centre, against the inner wall (the block slides in)
# uses: bowl
c = get_object_position(bowl)
for name, (dx, dy) in zip([o.name for o in perceive() if o.kind == "block"], [(0.045, 0.0), (-0.045, 0.0), (0.0, 0.045)]):
    pick_and_place(name, [float(c[0]) + dx, float(c[1]) + dy])
