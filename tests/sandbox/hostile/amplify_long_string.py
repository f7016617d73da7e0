# expect: error
grasp('x' * 500_000)
