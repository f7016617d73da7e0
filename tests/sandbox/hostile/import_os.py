# expect: rejected
# codes: forbidden_import
import os
os.system("touch /tmp/codepolicy_pwned")
