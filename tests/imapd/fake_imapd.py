#!/usr/bin/env python3
"""fake_imapd.py: an IMAP server that misbehaves on purpose, for tests.

    fake_imapd.py MODE LOG PORT_FILE [VICTIM]

Listens on a free loopback port (written to PORT_FILE) and serves until
killed. Every message taken is logged to LOG as a JSON line: folder,
flags, date, message_id, size. Folders use "." as hierarchy delimiter and
the server offers no LITERAL+, so clients must wait for "+" before each
literal. MODE says how it misbehaves:

  refuse    the first APPEND of every third message-id is answered NO
            (no code ccmig acts on); a later APPEND of the same message is
            taken
  too-big   every APPEND of the 4th, 11th, 18th ... message-id is answered
            NO [TOOBIG], of the 7th, 14th ... NO [LIMIT], in every run;
            their message-ids are written to LOG.never
  drop      the connection is closed half way through the literal of the
            2nd and 5th messages (each once)
  garbage   greets with an HTTP line instead of "* OK"
  silent    accepts connections and never says anything
  big-folders  every folder holds 2,500 messages of another program's
            (EXAMINE says so, FETCH gives their Message-IDs); each FETCH's
            range is written to LOG.fetch

Answers that never end, for one mailbox only ("the victim": the login
VICTIM when given, else the first to ask; written to LOG.victim once the
server knows it), coming a byte or a
line at a time, so that only a time limit on the whole answer ends them:

  trickle-greeting  the greeting of the 2nd, 3rd and 4th connections (the
                    first mailbox's three attempts with one connection at a
                    time, after the one that checks the server) comes a
                    byte every half second, for ever
  slow-untagged     the victim's LOGIN (the first login) is answered with
                    "* OK" lines every half second, and never tagged
  flood-untagged    the victim's EXAMINE (that of the first login to send
                    one) is answered with untagged lines as fast as they
                    go, and never tagged
  special-use  offers SPECIAL-USE and CREATE-SPECIAL-USE: LIST "" "*"
            gives each folder's use; CREATE ... (USE (\\X)) makes a folder
            with that use, but \\Drafts is refused (NO [USEATTR]); every
            CREATE's arguments are written to LOG.create
  overquota the victim's (the first login to send APPEND) second APPEND
            and every one after it are answered NO [OVERQUOTA]
  throttle  every APPEND of the victim is answered NO [THROTTLED] with a
            "Suggested Backoff Time" of 200 milliseconds
  plain     none of the above: every message is taken

In modes overquota and throttle every refused APPEND is a line of
LOG.refused.

Logins (each written to LOG.auth as "MECHANISM user"; "LOGIN user" for
the LOGIN command), without SASL-IR, so the client must wait for "+":

  auth-plain  offers AUTHENTICATE PLAIN, takes any password
  auth-oauth  offers AUTHENTICATE OAUTHBEARER, takes token "tok-USER"
              for USER; any other is answered with an RFC 7628 error
              challenge, whose answer must be "\x01" ("OAUTHBEARER-BAD
              user" is logged, or "OAUTHBEARER-BAD-ANSWER user")
  tls-bytes   greets with the bytes of a TLS alert, as a server of IMAP
              over TLS might

Each log line also names the login of the connection that sent it.
"""
import base64, hashlib, itertools, json, re, socket, socketserver, sys, threading, time

MODE, LOG, PORT_FILE = sys.argv[1:4]
VICTIM = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()
folders = {"INBOX"}
uses = {}                # folder: its special use, in mode special-use
seen_ids = []            # every message-id offered, in order, once each
refused = set()
dropped = set()
connections = 0
victim = None
victim_appends = 0       # APPENDs of the victim so far
BIG = 2500               # messages in each folder, in mode big-folders

def is_victim(user):
    """Whether user is the victim, making it the first to ask."""
    global victim
    with lock:
        if victim is None and VICTIM in (None, user):
            victim = user
            with open(LOG + ".victim", "w") as f:
                f.write(user)
        return victim == user

def log(entry):
    with lock, open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")

def log_auth(line):
    with lock, open(LOG + ".auth", "a") as f:
        f.write(line + "\n")

CAPS = {"auth-plain": "IMAP4rev1 AUTH=PLAIN",
        "auth-oauth": "IMAP4rev1 AUTH=OAUTHBEARER",
        "special-use": "IMAP4rev1 SPECIAL-USE CREATE-SPECIAL-USE"}.get(MODE, "IMAP4rev1")

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

    def endless(self, piece, pause):
        """Sends piece() for ever, pausing between pieces, until the
        client goes."""
        try:
            while True:
                self.wfile.write(piece())
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            return

    def handle(self):
        global connections
        with lock:
            connections += 1
            number = connections
        if MODE == "trickle-greeting" and 2 <= number <= 4:
            text = b"* OK [CAPABILITY IMAP4rev1] wait for it"
            sent = itertools.chain(text, itertools.repeat(ord(".")))
            return self.endless(lambda: bytes([next(sent)]), 0.5)
        if MODE == "silent":
            self.rfile.read()
            return
        if MODE == "garbage":
            self.send("HTTP/1.0 400 Bad Request")
            return
        if MODE == "tls-bytes":
            self.wfile.write(b"\x15\x03\x03\x00\x02\x02\x46")
            self.wfile.flush()
            self.rfile.read()
            return
        self.send("* OK [CAPABILITY %s] fake ready" % CAPS)
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
                self.send("* CAPABILITY " + CAPS)
                self.send(tag + " OK done")
            elif cmd == "AUTHENTICATE":
                self.authenticate(tag, args.upper())
            elif cmd == "LOGIN":
                self.user, _ = astring(args, 0)
                log_auth("LOGIN " + self.user)
                if MODE == "slow-untagged" and is_victim(self.user):
                    return self.endless(lambda: b"* OK still working on it\r\n", 0.5)
                self.send(tag + " OK logged in")
            elif cmd == "LIST":
                if MODE == "special-use" and '"*"' in args:
                    with lock:
                        for name in sorted(folders):
                            self.send('* LIST (%s) "." "%s"' % (uses.get(name, ""), name))
                else:
                    self.send('* LIST (\\Noselect) "." ""')
                self.send(tag + " OK done")
            elif cmd == "CREATE":
                name, pos = astring(args, 0)
                use = re.match(r" \(USE \((\\\w+)\)\)$", args[pos:])
                if MODE == "special-use":
                    with lock, open(LOG + ".create", "a") as f:
                        f.write(args + "\n")
                if use and use.group(1) == "\\Drafts":
                    self.send(tag + " NO [USEATTR] not that one")
                    continue
                with lock:
                    if use and name not in folders:
                        uses[name] = use.group(1)
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
                if MODE == "flood-untagged" and is_victim(self.user):
                    return self.endless(lambda: b"* OK flood\r\n" * 100, 0)
                self.send("* %d EXISTS" % (BIG if MODE == "big-folders" else 0))
                self.send(tag + " OK [READ-ONLY] done")
            elif cmd == "FETCH" and MODE == "big-folders":
                first, _, last = args.split(" ")[0].partition(":")
                with lock, open(LOG + ".fetch", "a") as f:
                    f.write(args.split(" ")[0] + "\n")
                for i in range(int(first), BIG + 1 if last == "*" else int(last) + 1):
                    head = "Message-ID: <other.%d@example.com>\r\n\r\n" % i
                    self.send("* %d FETCH (BODY[HEADER.FIELDS (MESSAGE-ID)] {%d}\r\n%s)"
                              % (i, len(head), head))
                self.send(tag + " OK done")
            elif cmd == "APPEND":
                if not self.append(tag, args):
                    return
            else:
                self.send(tag + " BAD unknown command")

    def authenticate(self, tag, mech):
        """A SASL exchange without SASL-IR: "+", then the response."""
        if mech not in CAPS.split("AUTH=")[1:] or " " in mech:
            self.send(tag + " NO unsupported mechanism")
            return
        self.send("+ ")
        raw = base64.b64decode(self.rfile.readline().strip())
        if mech == "PLAIN":
            _, self.user, _ = raw.decode().split("\0")
            log_auth("PLAIN " + self.user)
            self.send(tag + " OK logged in")
            return
        head, _, rest = raw.decode().partition("\x01")
        self.user = head.split("a=", 1)[1].rstrip(",").replace("=2C", ",").replace("=3D", "=")
        fields = dict(f.split("=", 1) for f in rest.split("\x01") if f)
        if fields.get("auth") == "Bearer tok-" + self.user:
            log_auth("OAUTHBEARER " + self.user)
            self.send(tag + " OK logged in")
            return
        error = json.dumps({"status": "invalid_token", "scope": "imap"})
        self.send("+ " + base64.b64encode(error.encode()).decode())
        answer = self.rfile.readline().strip()
        log_auth(("OAUTHBEARER-BAD " if answer == b"AQ==" else
                  "OAUTHBEARER-BAD-ANSWER ") + self.user)
        self.send(tag + " NO [AUTHENTICATIONFAILED] token refused")

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
        with lock:
            if key not in seen_ids:
                seen_ids.append(key)
            index = seen_ids.index(key)
        if MODE == "refuse":
            with lock:
                refuse = index % 3 == 2 and key not in refused
                if refuse:
                    refused.add(key)
            if refuse:
                self.send(tag + " NO message not stored by a filter, try again later")
                return True
        if MODE == "too-big" and index % 7 in (3, 6):
            with lock, open(LOG + ".never", "a") as f:
                f.write(key + "\n")
            self.send(tag + (" NO [TOOBIG] Message too large" if index % 7 == 3 else
                             " NO [LIMIT] Message size exceeds the limit"))
            return True
        if MODE in ("overquota", "throttle") and is_victim(self.user):
            global victim_appends
            with lock:
                victim_appends += 1
                n = victim_appends
            if MODE == "throttle" or n >= 2:
                with lock, open(LOG + ".refused", "a") as f:
                    f.write(key + "\n")
                self.send(tag + (" NO [OVERQUOTA] Quota exceeded (mailbox for user is full)"
                                 if MODE == "overquota" else
                                 " NO [THROTTLED] Request is throttled. Suggested "
                                 "Backoff Time: 200 milliseconds"))
                return True
        if name not in folders:
            self.send(tag + " NO [TRYCREATE] no such folder")
            return True
        log({"folder": name, "flags": m.group(1) or "", "date": (m.group(2) or "").strip('"'),
             "message_id": key, "size": size, "login": getattr(self, "user", None),
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
