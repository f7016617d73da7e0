# expect: rejected
# codes: banned_attribute
np.zeros(3).tofile("pwned.bin")
