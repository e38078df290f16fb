#!/usr/bin/env python3
"""imap_check.py: what an IMAP server holds against the store it came from.

    imap_check.py [--exact] [--no-dates] STORE PORT PASSWORD MAILDIR [PUBLIC_PREFIX]

Logs in to the server on 127.0.0.1:PORT as every mailbox of STORE (and as
"public" for the public folders, under PUBLIC_PREFIX, default "Public"),
and checks each folder holds exactly the store's messages, once each: the
bytes equal the file `ccmig export --maildir` wrote to MAILDIR for the same
message (with CRLF for its LF line ends), \\Seen and \\Draft follow the
store, and the internal date is the message's date. MAILDIR "-" leaves
the bytes out, for a server that holds the messages of several stores of
one post office (each numbers them its own way, and MIME boundaries carry
the number). Prints "imap ok: N messages" or fails naming the mailbox,
folder and message that differ.

Where each folder should be is worked out here, from docs/imap.md, not
asked of ccmig: the server's delimiter and special-use folders (LIST),
'.', '/' and the delimiter inside a level as '_', a level's leading '~'
as '_', the well-known and the server's special names kept from other
folders, " (2)" ... for a name taken in any case, a subfolder under the
name its parent got. With --exact, each account must also hold no folder
but those and the server's own special folders: nothing made twice, no
"Sent" beside the server's "Sent Items". --no-dates leaves the internal
dates unchecked (a Dovecot serving a Maildir export dates a message by its
file). "%a" in PASSWORD stands for the alias (a server that takes each
user's OAuth token as password). It asks for TLS (without checking the
certificate) when the server offers STARTTLS.
"""
import base64, imaplib, os, re, sqlite3, ssl, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from store_uid import FILE_NAME, MESSAGE_ID, uid_map  # noqa: E402

UIDS = {}          # {name: message id} of the store
CHECK_DATES = True

SPECIAL = {"inbox": "INBOX", "sent": "Sent", "deleted": "Trash",
           "drafts": "Drafts", "outbox": "Outbox"}
# The server's special folder each well-known folder goes into (RFC 6154).
USES = {"sent": "\\sent", "deleted": "\\trash", "drafts": "\\drafts"}
ALL_USES = {"\\all", "\\archive", "\\drafts", "\\flagged", "\\junk", "\\sent", "\\trash"}
ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
LIST_LINE = re.compile(rb'\((?P<attrs>[^)]*)\) (?:"(?P<sep>\\?.)"|NIL) (?P<name>.*)$')

def unmutf7(name):
    out, i = [], 0
    while i < len(name):
        if name[i] != "&":
            out.append(name[i])
            i += 1
            continue
        end = name.index("-", i)
        b = name[i + 1:end].replace(",", "/")
        out.append(base64.b64decode(b + "=" * (-len(b) % 4)).decode("utf-16-be") if b else "&")
        i = end + 1
    return "".join(out)

def mutf7(name):
    out, run = [], ""
    def flush():
        nonlocal run
        if run:
            b = base64.b64encode(run.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b.replace("/", ",") + "-")
            run = ""
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run += ch
    flush()
    return "".join(out)

def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

def server_folders(m):
    """(delimiter, {name: set of lower-case attributes}) of the account."""
    typ, data = m.list('""', '"*"')
    if typ != "OK":
        fail("LIST failed:", data)
    sep, out = "/", {}
    for item in data:
        line = item[0] + item[1] if isinstance(item, tuple) else item
        if line is None:
            continue
        g = LIST_LINE.match(line)
        if not g:
            fail("unreadable LIST line", line)
        raw = g.group("name")
        if isinstance(item, tuple):
            raw = item[1]
        elif raw.startswith(b'"'):
            raw = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
        if g.group("sep"):
            sep = g.group("sep").decode()[-1]
        out[unmutf7(raw.decode())] = set(g.group("attrs").decode().lower().split())
    return sep, out

class Names:
    """The names given in one account, compared with ASCII case folded."""
    def __init__(self):
        self.taken = set()
    def claim(self, name):
        base, k = name, 2
        while name.translate(ASCII_LOWER) in self.taken:
            name = "%s (%d)" % (base, k)
            k += 1
        self.taken.add(name.translate(ASCII_LOWER))
        return name
    def reserve(self, name):
        self.taken.add(name.translate(ASCII_LOWER))

def level(name, sep):
    name = "".join("_" if c in "./" + sep else c for c in name)
    return "_" + name[1:] if name.startswith("~") else name

def expected_names(folders, sep, on_server, prefix):
    """{folder id: its name on the server}, and the server's special folders."""
    names, given, out = Names(), {}, {}
    special = {}
    for name, attrs in on_server.items() if not prefix else ():
        if attrs & {"\\noselect", "\\nonexistent"} or not attrs & ALL_USES:
            continue
        special[name] = attrs
    for n in SPECIAL.values():
        names.reserve(n)
    for n in special:
        names.reserve(n)
    for fid, path, special_kind, parent in folders:
        if special_kind:
            use = [n for n, a in special.items() if USES.get(special_kind) in a]
            # The server's own, else ccmig's name (in its order, the first).
            out[fid] = use[0] if use and not prefix else SPECIAL[special_kind]
            continue
        if parent in given:
            name = given[parent] + sep + level(path.split("\\")[-1], sep)
        else:
            name = sep.join(level(p, sep) for p in path.split("\\"))
        if name.lower() == "inbox":
            name += " (2)"
        given[fid] = out[fid] = names.claim(name)
    if prefix:
        out = {fid: prefix + sep + n for fid, n in out.items()}
    return out, set(special)

def maildir_files(root, uids):
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            m = FILE_NAME.match(n)
            if m and m.group(1) in uids and os.path.basename(d) == "cur":
                files[uids[m.group(1)]] = os.path.join(d, n)
    return files

def fail(*what):
    sys.exit("imap check: " + " ".join(str(w) for w in what))

def check_folder(m, who, folder, rows, files):
    typ, data = m.select(quote(mutf7(folder)), readonly=True)
    if typ != "OK":
        fail(who, "folder", repr(folder), "is missing:", data)
    n = int(data[0])
    if n != len(rows):
        fail(who, repr(folder), "holds", n, "messages, the store", len(rows))
    if n == 0:
        return 0
    typ, data = m.fetch("1:*", "(FLAGS INTERNALDATE BODY.PEEK[])")
    seen = set()
    for item in data:
        if not isinstance(item, tuple):
            continue
        meta, body = item
        mid = MESSAGE_ID.search(body)
        if not mid or mid.group(1).decode() not in UIDS:
            fail(who, repr(folder), "has a message ccmig did not write")
        i = UIDS[mid.group(1).decode()]
        if i in seen:
            fail(who, repr(folder), "holds message", i, "twice")
        seen.add(i)
        if i not in rows:
            fail(who, repr(folder), "holds message", i, "of another folder")
        is_read, is_unsent, when = rows[i]
        if files is not None:
            with open(files[i], "rb") as f:
                # The Maildir file has LF lines, IMAP speaks CRLF.
                if f.read().replace(b"\n", b"\r\n") != body:
                    fail(who, repr(folder), "message", i, "differs from the Maildir file")
        flags = imaplib.ParseFlags(meta)
        if (b"\\Seen" in flags) != bool(is_read) or (b"\\Draft" in flags) != bool(is_unsent):
            fail(who, repr(folder), "message", i, "has flags", flags)
        if when is not None and CHECK_DATES:
            # Internaldate2tuple gives local time, and TZ is UTC here.
            got = int(time.mktime(imaplib.Internaldate2tuple(meta)))
            if got != when:
                fail(who, repr(folder), "message", i, "internal date", got, "not", when)
    if seen != set(rows):
        fail(who, repr(folder), "lacks messages", sorted(set(rows) - seen))
    return n

def main():
    args = sys.argv[1:]
    exact = "--exact" in args[:2]
    global CHECK_DATES
    CHECK_DATES = "--no-dates" not in args[:2]
    args = [a for a in args[:2] if a not in ("--exact", "--no-dates")] + args[2:]
    store, port, password, maildir = args[0:4]
    prefix = args[4] if len(args) > 4 else "Public"
    os.environ["TZ"] = "UTC"
    time.tzset()
    db = sqlite3.connect(store)
    UIDS.update(uid_map(db))
    files = None if maildir == "-" else maildir_files(maildir, UIDS)
    owners = [(r[0], r[1]) for r in db.execute(
        "SELECT id, alias FROM recipients WHERE kind = 'mailbox' ORDER BY id")]
    owners.append((None, "public"))
    total = 0
    for rid, alias in owners:
        # In the order ccmig names them (ccm_store_folders).
        folders = db.execute(
            "SELECT id, path, special, parent_id FROM folders WHERE mailbox_id IS ? "
            "ORDER BY path_key", (rid,)).fetchall()
        if not folders:
            continue
        m = imaplib.IMAP4("127.0.0.1", int(port))
        if "STARTTLS" in m.capabilities:
            m.starttls(ssl._create_unverified_context())
        m.login(alias, password.replace("%a", alias))
        sep, on_server = server_folders(m)
        names, special = expected_names(folders, sep, on_server,
                                        prefix if rid is None else "")
        if len(set(names.values())) != len(names):
            fail(alias, "two folders would share a name:", sorted(names.values()))
        for fid, path, _, _ in folders:
            rows = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
                "SELECT id, is_read, is_unsent, coalesce(sent_utc, received_utc, stored_utc) "
                "FROM messages WHERE folder_id = ? AND parent_id IS NULL", (fid,))}
            total += check_folder(m, alias, names[fid], rows, files)
        if exact and rid is not None:
            # Every selectable folder of the account is a store folder's or
            # one of the server's special folders: nothing more.
            mine = {n for n, a in on_server.items()
                    if not a & {"\\noselect", "\\nonexistent"} and
                    not n.startswith(prefix + sep) and n != prefix}
            extra = mine - set(names.values()) - special
            if extra:
                fail(alias, "has folders the store does not:", sorted(extra))
        m.logout()
    print("imap ok: %d messages" % total)

main()
