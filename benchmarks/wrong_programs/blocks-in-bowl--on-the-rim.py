# scenario: blocks-in-bowl-seen
# wrong: places every block 6 cm from the bowl's centre, on its rim
# uses: bowl
c = get_object_position(bowl)
for name in [o.name for o in perceive() if o.kind == "block"]:
    pick_and_place(name, [float(c[0]) + 0.06, float(c[1])])
