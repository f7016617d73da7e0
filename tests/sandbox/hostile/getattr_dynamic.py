# expect: rejected
# codes: banned_name
save = getattr(np, "sa" + "ve")
save("pwned.npy", np.zeros(2))
