#!/usr/bin/env python3
"""fake_imapd.py: an IMAP server that misbehaves on purpose, for tests.

    fake_imapd.py MODE LOG PORT_FILE

Listens on a free loopback port (written to PORT_FILE) and serves until
killed. Every message taken is logged to LOG as a JSON line: folder,
flags, date, message_id, size. Folders use "." as hierarchy delimiter and
the server offers no LITERAL+, so clients must wait for "+" before each
literal. MODE says how it misbehaves:

  refuse    the first APPEND of every third message-id is answered NO
            [OVERQUOTA]; a later APPEND of the same message is taken
  drop      the connection is closed half way through the literal of the
            2nd and 5th messages (each once)
  garbage   greets with an HTTP line instead of "* OK"
  silent    accepts connections and never says anything
  plain     none of the above: every message is taken

Each log line also names the login of the connection that sent it.
"""
import hashlib, json, re, socket, socketserver, sys, threading

MODE, LOG, PORT_FILE = sys.argv[1:4]
lock = threading.Lock()
folders = {"INBOX"}
seen_ids = []            # every message-id offered, in order, once each
refused = set()
dropped = set()

def log(entry):
    with lock, open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")

def astring(s, pos):
    """The quoted string or atom at s[pos:], and the position after it."""
    if s[pos] == '"':
        out, i = [], pos + 1
        while s[i] != '"':
            if s[i] == "\\":
                i += 1
            out.append(s[i])
            i += 1
        return "".join(out), i + 1
    m = re.compile(r"[^ ()]+").match(s, pos)
    return m.group(0), m.end()

class Handler(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        if MODE == "silent":
            self.rfile.read()
            return
        if MODE == "garbage":
            self.send("HTTP/1.0 400 Bad Request")
            return
        self.send("* OK [CAPABILITY IMAP4rev1] fake ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            tag, _, rest = line.partition(" ")
            cmd, _, args = rest.partition(" ")
            cmd = cmd.upper()
            if cmd == "LOGOUT":
                self.send("* BYE bye")
                self.send(tag + " OK LOGOUT done")
                return
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(tag + " OK done")
            elif cmd == "LOGIN":
                self.login, _ = astring(args, 0)
                self.send(tag + " OK logged in")
            elif cmd == "LIST":
                self.send('* LIST (\\Noselect) "." ""')
                self.send(tag + " OK done")
            elif cmd == "CREATE":
                name, _ = astring(args, 0)
                with lock:
                    if name in folders:
                        self.send(tag + " NO [ALREADYEXISTS] exists")
                        continue
                    folders.add(name)
                self.send(tag + " OK created")
            elif cmd == "STATUS":
                name, _ = astring(args, 0)
                if name in folders:
                    self.send('* STATUS "%s" (MESSAGES 0)' % name)
                    self.send(tag + " OK done")
                else:
                    self.send(tag + " NO no such folder")
            elif cmd == "EXAMINE":
                self.send("* 0 EXISTS")
                self.send(tag + " OK [READ-ONLY] done")
            elif cmd == "APPEND":
                if not self.append(tag, args):
                    return
            else:
                self.send(tag + " BAD unknown command")

    def append(self, tag, args):
        name, pos = astring(args, 0)
        m = re.compile(r" (\([^)]*\))?\s*(\"[^\"]*\")?\s*\{(\d+)\}$").match(args, pos)
        if not m:
            self.send(tag + " BAD bad APPEND")
            return True
        size = int(m.group(3))
        self.send("+ go ahead")
        if MODE == "drop":
            with lock:
                n = len(dropped) + len(seen_ids)
            head = self.rfile.read(min(size, 4096))
            mid = re.search(rb"Message-ID: <([^>]*)>", head)
            key = mid.group(1).decode() if mid else ""
            with lock:
                if key not in seen_ids:
                    seen_ids.append(key)
                drop = seen_ids.index(key) in (1, 4) and key not in dropped
                if drop:
                    dropped.add(key)
            if drop:
                return False           # closes the connection mid-literal
            data = head + self.rfile.read(size - len(head))
        else:
            data = self.rfile.read(size)
        self.rfile.readline()          # the CRLF ending the command
        mid = re.search(rb"Message-ID: <([^>]*)>", data)
        key = mid.group(1).decode() if mid else ""
        if MODE == "refuse":
            with lock:
                if key not in seen_ids:
                    seen_ids.append(key)
                refuse = seen_ids.index(key) % 3 == 2 and key not in refused
                if refuse:
                    refused.add(key)
            if refuse:
                self.send(tag + " NO [OVERQUOTA] mailbox is full")
                return True
        if name not in folders:
            self.send(tag + " NO [TRYCREATE] no such folder")
            return True
        log({"folder": name, "flags": m.group(1) or "", "date": (m.group(2) or "").strip('"'),
             "message_id": key, "size": size, "login": getattr(self, "login", None),
             "sha256": hashlib.sha256(data).hexdigest()})
        self.send(tag + " OK [APPENDUID 1 1] taken")
        return True

class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

srv = Server(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
