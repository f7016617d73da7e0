# expect: resource_limit
f = lambda g: g(g)
f(f)
