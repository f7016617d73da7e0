# expect: rejected
# codes: dunder_string
name = "\x5f\x5fclass\x5f\x5f"
print(name)
