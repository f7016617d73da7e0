# expect: error
# vet: off
# Try to lift the CPU and memory limits (the worker runs as root in CI, so only the hook stops it).
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "BuiltinImporter":
        sys = cls.load_module("sys")
        resource = sys.modules["resource"]
        resource.setrlimit(resource.RLIMIT_AS, (-1, -1))
raise ValueError("BuiltinImporter not found")
