# expect: resource_limit
x = [0] * 10**10
