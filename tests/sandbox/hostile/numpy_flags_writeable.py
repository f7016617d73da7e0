# expect: rejected
# codes: banned_attribute, attribute_assignment
a = get_object_position('cube')
a.flags.writeable = True
a[0] = 1.0
