# expect: rejected
# codes: format_string
f = str.format
print(f("{0.real}", 1))
