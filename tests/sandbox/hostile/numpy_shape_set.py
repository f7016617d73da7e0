# expect: rejected
# codes: attribute_assignment
a = np.zeros(4)
a.shape = (2, 2)
