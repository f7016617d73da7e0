# expect: resource_limit|timeout
chunks = []
while True:
    chunks.append(np.ones(10**6))
