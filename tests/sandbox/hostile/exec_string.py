# expect: rejected
# codes: banned_name
exec("import os")
