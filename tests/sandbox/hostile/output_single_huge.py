# expect: resource_limit
print("y" * 10**7)
