# expect: rejected
# codes: banned_attribute
a = np.arange(4)[1:]
print(a.base, a.data)
