#!/usr/bin/env python3
# Drive mimic's human monitor on a unix socket: hmp.py SOCKET CMD... runs each
# command and prints its output (the echoed command line removed). Shared by the
# system tests that save and restore machines.
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(200):
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("cannot connect to the monitor")
s.settimeout(120)
buf = b''
def until_prompt():
    global buf
    while b'(qemu) ' not in buf:
        d = s.recv(65536)
        if not d:
            sys.exit('monitor closed')
        buf += d
    out, _, buf = buf.partition(b'(qemu) ')
    return out.decode(errors='replace')
until_prompt()
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b'\r')
    out = until_prompt().replace('\r\n', '\n')
    sys.stdout.write(out.split('\n', 1)[1] if '\n' in out else '')
    sys.stdout.flush()
