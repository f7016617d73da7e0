# expect: rejected
# codes: underscore_attribute
g = grasp.__globals__
g["os"].system("touch pwned.txt")
