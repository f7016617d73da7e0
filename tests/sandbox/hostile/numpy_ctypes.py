# expect: rejected
# codes: banned_attribute
a = np.zeros(3)
print(a.ctypes.data)
