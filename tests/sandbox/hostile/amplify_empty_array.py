# expect: error
# An empty array with a huge dimension: the host must not expand it
move_to(np.zeros((10**7, 0)))
