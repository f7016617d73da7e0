# expect: rejected
# codes: banned_attribute
p = get_object_position('cube')
owner = p.base
print(owner)
