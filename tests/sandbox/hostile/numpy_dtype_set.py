# expect: rejected
# codes: attribute_assignment
a = get_object_position('cube')
a.dtype = np.int64
print(a)
