# expect: rejected
# codes: forbidden_import
from . import worker
