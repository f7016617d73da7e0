# expect: rejected
# codes: attribute_assignment
del np.linalg.norm
