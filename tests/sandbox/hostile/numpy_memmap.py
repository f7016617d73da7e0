# expect: rejected
# codes: banned_attribute
m = np.memmap("pwned.dat", mode="w+", shape=(3,))
