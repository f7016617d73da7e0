# expect: rejected
# codes: banned_keyword
x = np.ndarray((2**40,), buffer=bytes(8), strides=(0,), offset=0)
print(x[2**39])
