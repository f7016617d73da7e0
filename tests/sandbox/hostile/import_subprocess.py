# expect: rejected
# codes: forbidden_import
import subprocess

subprocess.run(["sh", "-c", "touch pwned.txt"])
