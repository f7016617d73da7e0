# expect: error
# vet: off
real = np.array.__self__
real.save("pwned.npy", np.zeros(2))
