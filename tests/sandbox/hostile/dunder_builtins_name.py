# expect: rejected
# codes: underscore_name
b = __builtins__
print(b)
