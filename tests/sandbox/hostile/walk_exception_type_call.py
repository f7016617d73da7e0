# expect: error
# type() of a class (a metaclass) is refused at run time
cls = type(np.zeros(1))
print(type(cls))
