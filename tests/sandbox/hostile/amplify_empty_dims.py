# expect: error
move_to(np.zeros((0, 999999, 999999, 999999)))
