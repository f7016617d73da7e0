# expect: error
# vet: off
# Second wall: _ctypes is reachable without vetting, but dlopen is an audited (blocked) event.
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "BuiltinImporter":
        ctypes = cls.load_module("_ctypes")
        libc = ctypes.dlopen("libc.so.6", 0)
        print("dlopen worked", libc)
raise ValueError("BuiltinImporter not found")
