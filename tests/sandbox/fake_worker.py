"""A test-only fake worker that misbehaves on the protocol pipe (run as a script).

Usage: ``python fake_worker.py MODE``. It says ``ready``, reads ``start``, then does MODE.
"""

from __future__ import annotations

import os
import signal
import sys
import time


def send(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def main() -> None:
    mode = sys.argv[1]
    if mode == "never_ready":
        time.sleep(60)
    send(b'{"type":"ready"}\n')
    sys.stdin.buffer.readline()
    call = b'{"type":"call","name":"grasp","args":["cube"],"kwargs":{},"line":1}\n'
    if mode == "garbage":
        send(b"this is not json\n")
    elif mode == "binary":
        send(b"\xff\xfe\x00garbage\n")
    elif mode == "not_object":
        send(b"[1, 2, 3]\n")
    elif mode == "oversized_no_newline":
        send(b"x" * (3 * 1024 * 1024))
    elif mode == "oversized_line":
        send(b'{"type":"print","text":"' + b"a" * (3 * 1024 * 1024) + b'"}\n')
    elif mode == "unknown_field":
        send(b'{"type":"done","extra":1}\n')
    elif mode == "unknown_type":
        send(b'{"type":"shell","cmd":"rm -rf /"}\n')
    elif mode == "wrong_field_type":
        send(b'{"type":"call","name":5,"args":[],"kwargs":{}}\n')
    elif mode == "unknown_primitive":
        send(b'{"type":"call","name":"self_destruct","args":[],"kwargs":{}}\n')
    elif mode == "bad_ndarray":
        send(
            b'{"type":"call","name":"grasp","args":[{"$cp":"ndarray","dtype":"O",'
            b'"shape":[1],"b64":""}],"kwargs":{}}\n'
        )
    elif mode == "huge_ndarray":
        send(
            b'{"type":"call","name":"grasp","args":[{"$cp":"ndarray","dtype":"<f8",'
            b'"shape":[100000,100000,100000],"b64":""}],"kwargs":{}}\n'
        )
    elif mode == "deep_json":
        send(b'{"type":"call","name":"grasp","args":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    elif mode == "done_keeps_running":
        send(b'{"type":"done"}\n')
        time.sleep(30)
    elif mode == "done_then_more":
        send(b'{"type":"done"}\n{"type":"print","text":"Status: success"}\n')
        os._exit(0)
    elif mode == "empty_array_bomb":
        send(
            b'{"type":"call","name":"move_to","args":[{"$cp":"ndarray","dtype":"<f8",'
            b'"shape":[10000000,0],"b64":""}],"kwargs":{}}\n'
        )
    elif mode == "many_empty_dims":
        send(
            b'{"type":"call","name":"move_to","args":[{"$cp":"ndarray","dtype":"<f8",'
            b'"shape":[0,999999,999999,999999],"b64":""}],"kwargs":{}}\n'
        )
    elif mode == "string_bomb":
        send(b'{"type":"call","name":"grasp","args":["' + b"s" * 400_000 + b'"],"kwargs":{}}\n')
    elif mode == "wide_nested":
        send(
            b'{"type":"call","name":"move_to","args":[[' + b"[]," * 300_000 + b'[]]],"kwargs":{}}\n'
        )
    elif mode == "forged_reply":
        send(b'{"type":"return","value":null}\n')
    elif mode == "forged_start":
        send(b'{"type":"start","program":"x","seed":0,"primitives":[],"limits":{}}\n')
    elif mode == "crash":
        sys.exit(3)
    elif mode == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "silent":
        time.sleep(60)
    elif mode == "stderr_flood":
        for _ in range(200):
            sys.stderr.write("e" * 50_000 + "\n")
        sys.stderr.flush()
        send(b'{"type":"done"}\n')
        os._exit(0)
    elif mode == "fake_line":
        send(b'{"type":"call","name":"grasp","args":["cube"],"kwargs":{},"line":1000000000}\n')
        sys.stdin.buffer.readline()
        send(b'{"type":"done"}\n')
        os._exit(0)
    elif mode == "file_in_cwd":
        with open("left_behind.txt", "w") as fh:
            fh.write("x")
        send(b'{"type":"done"}\n')
        os._exit(0)
    elif mode == "print_flood":
        for _ in range(1000):
            send(b'{"type":"print","text":"' + b"p" * 1000 + b'"}\n')
    elif mode == "ready_again":
        send(b'{"type":"ready"}\n')
    elif mode == "never_reads_replies":
        for _ in range(100):
            send(b'{"type":"call","name":"get_object_position","args":["big"],"kwargs":{}}\n')
        time.sleep(60)
    elif mode == "call_then_done_without_reading":
        send(call + b'{"type":"done"}\n')
        sys.stdin.buffer.readline()
    time.sleep(30)


if __name__ == "__main__":
    main()
