# expect: timeout|resource_limit
while True:
    try:
        x = [0] * 10**10
    except Exception:
        pass
