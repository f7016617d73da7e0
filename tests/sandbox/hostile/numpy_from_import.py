# expect: rejected
# codes: forbidden_import
from numpy import savetxt

savetxt("pwned.txt", [1, 2])
