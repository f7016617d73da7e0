# expect: rejected
# codes: banned_attribute
try:
    grasp('nothing')
except Exception as e:
    print(type(e).mro())
