# expect: rejected
# codes: underscore_attribute
print(f"{(1).__class__.__base__}")
