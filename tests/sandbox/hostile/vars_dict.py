# expect: rejected
# codes: banned_name
print(vars(np))
print(globals())
