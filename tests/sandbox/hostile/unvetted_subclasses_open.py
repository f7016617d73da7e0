# expect: error
# vet: off
# Find io.FileIO among all subclasses of object and open a file for writing.
def walk(cls, seen):
    try:
        subs = cls.__subclasses__()
    except TypeError:
        subs = []
    for sub in subs:
        if sub not in seen:
            seen.append(sub)
            walk(sub, seen)
    return seen


for cls in walk(().__class__.__base__, []):
    if cls.__name__ == "FileIO":
        cls("pwned.txt", "w")
raise ValueError("no FileIO found")
