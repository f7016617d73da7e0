# expect: error|resource_limit
a = [0.0]
for i in range(40):
    a = [a, a]
move_to(a)
