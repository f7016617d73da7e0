# expect: rejected
# codes: banned_attribute
try:
    1 / 0
except Exception as e:
    tb = e.with_traceback(None)
    print(tb.tb_frame)
