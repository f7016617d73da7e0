# expect: error
# vet: off
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "_wrap_close":
        cls.__init__.__globals__["system"]("touch pwned.txt")
raise ValueError("no _wrap_close found")
