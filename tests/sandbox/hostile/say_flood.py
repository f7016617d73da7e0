# expect: resource_limit|budget_exceeded
while True:
    say("spam " * 100)
