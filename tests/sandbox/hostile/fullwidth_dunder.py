# expect: rejected
# codes: syntax_error
＿＿import＿＿("os")
