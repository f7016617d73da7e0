# expect: budget_exceeded
while True:
    get_object_position("cube")
