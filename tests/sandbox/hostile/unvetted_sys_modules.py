# expect: error
# vet: off
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "BuiltinImporter":
        os = cls.load_module("os")
        os.system("touch pwned.txt")
raise ValueError("done")
