# expect: error
t = type(np.zeros(1))
print(t.real)
