# expect: error
# vet: off
def g():
    yield 1


frame = g().gi_frame
while frame.f_back is not None:
    frame = frame.f_back
builtins = frame.f_globals
mods = [m for m in ().__class__.__base__.__subclasses__() if m.__name__ == "_wrap_close"]
mods[0].__init__.__globals__["popen"]("touch pwned.txt").read()
raise ValueError("done")
