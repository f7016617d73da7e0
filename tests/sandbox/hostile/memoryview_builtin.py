# expect: rejected
m = memoryview(b'abc')
print(m)
