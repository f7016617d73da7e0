# expect: error
# vet: off
np.zeros(2).tofile("pwned.bin")
