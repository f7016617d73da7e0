# expect: rejected
# codes: underscore_attribute
classes = ().__class__.__bases__[0].__subclasses__()
print(classes)
