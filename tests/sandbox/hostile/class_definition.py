# expect: rejected
# codes: forbidden_statement
class Evil:
    pass
