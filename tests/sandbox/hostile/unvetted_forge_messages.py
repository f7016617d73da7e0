# expect: error
# vet: off
# os.write is not an audited event, so unvetted code can write to the protocol pipe (fd 3):
# it forges a call to a primitive that does not exist and a 'done'. The host must see a protocol
# violation, not a completed run.
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "BuiltinImporter":
        sys = cls.load_module("sys")
        os = sys.modules["os"]
        os.write(3, b'{"type":"call","name":"self_destruct","args":[],"kwargs":{}}\n')
        os.write(3, b'{"type":"done"}\n')
        while True:
            pass
raise ValueError("BuiltinImporter not found")
