#!/usr/bin/env python3
"""introspect.py: an OAuth 2.0 token introspection endpoint (RFC 7662) on a
loopback port, for tests: Dovecot's oauth2 passdb asks it whether a token
is good and whose it is.

    introspect.py TOKENS PORT_FILE

TOKENS has "user token" lines. A POST of "token=T" is answered
{"active": true, "username": "user"} for a token of the file (read again
on each request), {"active": false} for any other. Listens on a free
port of 127.0.0.1 (written to PORT_FILE) and serves until killed; every
request is logged to PORT_FILE.log as "user" or "-" (an unknown token).
"""
import http.server, json, os, sys, urllib.parse

TOKENS, PORT_FILE = sys.argv[1:3]

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        token = urllib.parse.parse_qs(body.decode()).get("token", [""])[0]
        users = {}
        with open(TOKENS) as f:
            for line in f:
                if line.split():
                    user, tok = line.split()
                    users[tok] = user
        user = users.get(token)
        with open(PORT_FILE + ".log", "a") as f:
            f.write((user or "-") + "\n")
        answer = {"active": True, "username": user} if user else {"active": False}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
