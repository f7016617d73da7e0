# scenario: blocks-in-bowl-seen
# wrong: puts every block on the bowl's centre, piling them up
# uses: bowl
for name in [o.name for o in perceive() if o.kind == "block"]:
    pick_and_place(name, bowl)
