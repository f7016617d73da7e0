# expect: rejected
# codes: format_string
# No dunder in the literal, but still an attribute path in a format field.
print("{0.real.imag}".format(1))
