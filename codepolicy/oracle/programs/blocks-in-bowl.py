# uses: bowl
# Put every block into one bowl; place() finds free room beside the blocks already in it.
for block in [o.name for o in perceive() if o.kind == "block"]:
    pick_and_place(block, bowl)
