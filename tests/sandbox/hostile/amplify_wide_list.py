# expect: error
move_to([0.0] * 900_000)
