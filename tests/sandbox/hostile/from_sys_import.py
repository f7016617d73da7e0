# expect: rejected
# codes: forbidden_import
from sys import modules

print(modules)
