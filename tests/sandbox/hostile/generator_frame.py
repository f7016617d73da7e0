# expect: rejected
# codes: banned_attribute
def g():
    yield 1


gen = g()
print(gen.gi_frame.f_back.f_globals)
