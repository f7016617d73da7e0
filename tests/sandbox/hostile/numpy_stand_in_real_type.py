# expect: error
t = np.ndarray.real
x = t((4,), 'f8')
print(x)
