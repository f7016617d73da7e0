# expect: error
import random

r = random
print(r.Random)
