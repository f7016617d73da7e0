# expect: error
# vet: off
open("pwned.txt", "w").write("x")
