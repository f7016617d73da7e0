# expect: resource_limit
x = np.ones(10**11)
