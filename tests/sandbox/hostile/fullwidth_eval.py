# expect: rejected
# codes: banned_name
ｅval("1 + 1")
