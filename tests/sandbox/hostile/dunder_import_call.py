# expect: rejected
# codes: underscore_name
__import__("os").system("touch pwned.txt")
