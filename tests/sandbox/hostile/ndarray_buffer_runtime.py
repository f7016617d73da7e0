# expect: rejected|error
arr_type = type(np.zeros(1))
v = arr_type((10**6,), buffer=np.zeros(1))
