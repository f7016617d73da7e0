# uses:
# Pick up the cube and put it on the target (adapter worlds: panda-gym, Fetch).
grasp("cube")
place("target")
