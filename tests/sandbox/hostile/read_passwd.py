# expect: rejected
# codes: banned_name
print(open("/etc/passwd").read())
