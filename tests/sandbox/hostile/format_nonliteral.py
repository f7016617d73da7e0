# expect: rejected
# codes: format_string
fmt = "{0." + "_" * 2 + "class" + "_" * 2 + "}"
print(fmt.format(1))
