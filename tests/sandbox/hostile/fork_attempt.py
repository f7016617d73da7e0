# expect: rejected
# codes: forbidden_import
import os

while True:
    os.fork()
