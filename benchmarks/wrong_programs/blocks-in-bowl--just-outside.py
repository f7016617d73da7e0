# scenario: blocks-in-bowl-seen
# wrong: aims 7.5 cm from the bowl's centre, over the outer edge of the rim
# uses: bowl
c = get_object_position(bowl)
for name in [o.name for o in perceive() if o.kind == "block"]:
    pick_and_place(name, [float(c[0]), float(c[1]) - 0.075])
