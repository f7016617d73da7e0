# expect: error
# vet: off
# Try to switch the worker's audit hook off by replacing its code, then write a file.
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "BuiltinImporter":
        sys = cls.load_module("sys")
        worker = sys.modules["__main__"]
        worker.audit_hook.__code__ = (lambda event, args: None).__code__
        sys.modules["os"].system("touch pwned.txt")
raise ValueError("BuiltinImporter not found")
