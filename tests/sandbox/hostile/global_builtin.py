# expect: rejected
# codes: forbidden_statement
def f():
    global print
    print = None


f()
