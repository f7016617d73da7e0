# expect: error
f = lambda: 0
function = type(f)
g = function(None, {})
