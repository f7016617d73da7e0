# expect: rejected
# codes: forbidden_statement
async def f():
    await f()
