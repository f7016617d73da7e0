# expect: error
h = hash(grasp)
print(h)
