# expect: rejected
# codes: format_string
print("{x.real}".format_map({"x": 1}))
