# expect: rejected
# codes: format_string, dunder_string
print("{0.__class__.__base__}".format(1))
