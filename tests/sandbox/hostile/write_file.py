# expect: rejected
# codes: banned_name
with open("pwned.txt", "w") as fh:
    fh.write("owned")
