# expect: rejected
# codes: banned_attribute
print(np.loadtxt("/etc/passwd", dtype=str))
