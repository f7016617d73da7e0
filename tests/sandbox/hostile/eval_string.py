# expect: rejected
# codes: banned_name
eval("print(1)")
