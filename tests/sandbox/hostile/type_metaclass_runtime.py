# expect: error
meta = type(type(1))
k = meta("K", (), {})
