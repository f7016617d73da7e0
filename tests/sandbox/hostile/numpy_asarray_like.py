# expect: rejected
# codes: banned_keyword
x = np.asarray([1, 2], like=get_object_position('cube'))
