# expect: error
m = np
f = m.fromiter
print(f)
