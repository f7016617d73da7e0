# expect: rejected
# codes: banned_name
c = compile("1", "x", "eval")
