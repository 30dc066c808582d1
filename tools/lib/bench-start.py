#!/usr/bin/env python3
"""The start request of tools/bench, timed the same way for both VMMs.

  bench-start.py qmp SOCKET        QEMU started with -S: qmp_capabilities, then "cont"
  bench-start.py api SOCKET        jvmm started with --api-socket and configured: InstanceStart

Prints the wall-clock time (ns since the epoch, like `date +%s%N`) taken right before the
start request was sent, so interpreter start-up is not counted against either side. Exits 1
with a message if the VMM refuses the request.
"""
import json
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def qmp_line(f):
    while True:
        line = f.readline()
        if not line:
            sys.exit("bench-start: QMP connection closed")
        msg = json.loads(line)
        if "event" not in msg:
            return msg


def qmp(path):
    s = connect(path)
    f = s.makefile("rw")
    qmp_line(f)  # greeting
    f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    f.flush()
    qmp_line(f)
    t0 = time.time_ns()
    f.write(json.dumps({"execute": "cont"}) + "\n")
    f.flush()
    reply = qmp_line(f)
    if "error" in reply:
        sys.exit("bench-start: QEMU refused cont: %s" % reply["error"])
    return t0


def api(path):
    body = b'{"action_type": "InstanceStart"}'
    request = (b"PUT /actions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
    s = connect(path)
    t0 = time.time_ns()
    s.sendall(request)
    reply = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    status = reply.split(b" ", 2)[1] if reply.startswith(b"HTTP/1.1 ") else b"?"
    if status != b"204":
        sys.exit("bench-start: InstanceStart answered %s: %s" % (status.decode(), reply.decode(errors="replace")[-300:]))
    return t0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("qmp", "api"):
        sys.exit("usage: bench-start.py qmp|api SOCKET")
    print((qmp if sys.argv[1] == "qmp" else api)(sys.argv[2]))
