# expect: rejected
# codes: forbidden_statement
match 1:
    case int(real=r):
        print(r)
