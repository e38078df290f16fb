#!/usr/bin/env python3
"""throttle_proxy.py: an IMAP proxy that throttles as hosted servers do, for tests.

    throttle_proxy.py UPSTREAM_PORT LOG PORT_FILE [THROTTLE_EVERY BYE_EVERY]

Listens on a free loopback port (written to PORT_FILE) and passes every
connection through to the IMAP server on 127.0.0.1:UPSTREAM_PORT (such
as tests/imapd/dovecot.py's), command by command, until killed. APPENDs
are counted over all connections; as Microsoft 365 does under load:

  - every THROTTLE_EVERY-th APPEND (default 10) is not passed on but
    answered "NO [THROTTLED] Request is throttled. Suggested Backoff
    Time: 5 milliseconds";
  - every BYE_EVERY-th APPEND (default 60) ends its connection with
    "* BYE ... throttled": the 1st, 3rd, 5th ... time after the server
    took the message (whose tagged answer never reaches the client), the
    2nd, 4th ... time without passing it on.

Each of these is a line of LOG: "throttled", "bye-taken", "bye-dropped".
"""
import os, re, socket, sys, threading

UPSTREAM, LOG, PORT_FILE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
THROTTLE_EVERY = int(sys.argv[4]) if len(sys.argv) > 4 else 10
BYE_EVERY = int(sys.argv[5]) if len(sys.argv) > 5 else 60
LITERAL = re.compile(rb"\{(\d+)(\+?)\}\r\n$")
lock = threading.Lock()
appends = 0


def log(what):
    with lock, open(LOG, "a") as f:
        f.write(what + "\n")


def read_response(f):
    """One response of the server, with the literals it announces."""
    out = b""
    while True:
        line = f.readline()
        if not line:
            raise EOFError
        out += line
        m = LITERAL.search(line)
        if not m:
            return out
        out += f.read(int(m.group(1)))


def handle(client):
    global appends
    up = socket.create_connection(("127.0.0.1", UPSTREAM))
    # A command goes on in pieces (line, literal, line): without this,
    # each piece after the first waits for the other side's delayed ACK.
    for s in (client, up):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cf, uf = client.makefile("rb"), up.makefile("rb")
    try:
        client.sendall(read_response(uf))          # the greeting
        while True:
            line = cf.readline()
            if not line:
                return
            tag = line.split(b" ", 1)[0]
            what = ""
            if re.match(rb"\S+ APPEND ", line, re.I):
                with lock:
                    appends += 1
                    n = appends
                if n % BYE_EVERY == 0:
                    what = "bye-taken" if (n // BYE_EVERY) % 2 else "bye-dropped"
                elif n % THROTTLE_EVERY == 0:
                    what = "throttled"
            forward = what in ("", "bye-taken")
            # The command, line by line and literal by literal.
            while True:
                m = LITERAL.search(line)
                if forward:
                    up.sendall(line)
                if not m:
                    break
                if not m.group(2):                    # synchronizing: wait for "+"
                    if forward:
                        go = read_response(uf)
                        client.sendall(go)
                        if not go.startswith(b"+"):
                            line = None
                            break
                    else:
                        client.sendall(b"+ go ahead\r\n")
                data = cf.read(int(m.group(1)))
                if forward:
                    up.sendall(data)
                line = cf.readline()
            if line is None:
                continue
            if what == "throttled":
                log(what)
                client.sendall(tag + b" NO [THROTTLED] Request is throttled. "
                               b"Suggested Backoff Time: 5 milliseconds\r\n")
                continue
            if what == "bye-dropped":
                log(what)
                client.sendall(b"* BYE Connection closed: throttled\r\n")
                return
            while True:
                r = read_response(uf)
                if r.startswith(tag + b" ") and what == "bye-taken":
                    log(what)
                    client.sendall(b"* BYE Connection closed: throttled\r\n")
                    return
                client.sendall(r)
                if r.startswith(tag + b" "):
                    break
    except (EOFError, OSError):
        return
    finally:
        for s in (client, up):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
