# expect: rejected
# codes: banned_attribute
np.save("pwned.npy", np.zeros(3))
