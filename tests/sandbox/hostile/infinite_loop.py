# expect: timeout|resource_limit
while True:
    pass
