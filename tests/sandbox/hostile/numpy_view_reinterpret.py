# expect: rejected
# codes: banned_attribute
a = np.zeros(2)
b = a.view(np.int64)
print(b)
