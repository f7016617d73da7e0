# expect: rejected
# codes: banned_attribute
np.lib.format.open_memmap("pwned.npy", mode="w+", shape=(3,))
