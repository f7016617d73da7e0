# expect: error
# vet: off
__import__("os").system("touch pwned.txt")
