# expect: rejected
# codes: attribute_assignment, banned_attribute
a = np.zeros(4)
a.strides = (0,)
print(a)
