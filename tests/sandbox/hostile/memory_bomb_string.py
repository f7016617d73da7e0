# expect: resource_limit
x = "a" * 10**11
