#!/usr/bin/env python3
"""imap_check.py: what an IMAP server holds against the store it came from.

    imap_check.py STORE PORT PASSWORD MAILDIR [PUBLIC_PREFIX]

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
"""
import base64, imaplib, os, re, sqlite3, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from store_uid import FILE_NAME, MESSAGE_ID, uid_map  # noqa: E402

UIDS = {}          # {name: message id} of the store

SPECIAL = {"inbox": "INBOX", "sent": "Sent", "deleted": "Trash",
           "drafts": "Drafts", "outbox": "Outbox"}

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

def imap_name(path, special, prefix):
    if special:
        return SPECIAL[special]
    name = "/".join(p.replace("/", "_") for p in path.split("\\"))
    return prefix + "/" + name if prefix else name

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
        if when is not None:
            # Internaldate2tuple gives local time, and TZ is UTC here.
            got = int(time.mktime(imaplib.Internaldate2tuple(meta)))
            if got != when:
                fail(who, repr(folder), "message", i, "internal date", got, "not", when)
    if seen != set(rows):
        fail(who, repr(folder), "lacks messages", sorted(set(rows) - seen))
    return n

def main():
    store, port, password, maildir = sys.argv[1:5]
    prefix = sys.argv[5] if len(sys.argv) > 5 else "Public"
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
        folders = db.execute(
            "SELECT id, path, special FROM folders WHERE mailbox_id IS ? ORDER BY id",
            (rid,)).fetchall()
        if not folders:
            continue
        m = imaplib.IMAP4("127.0.0.1", int(port))
        m.login(alias, password)
        for fid, path, special in folders:
            rows = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
                "SELECT id, is_read, is_unsent, coalesce(sent_utc, received_utc) "
                "FROM messages WHERE folder_id = ? AND parent_id IS NULL", (fid,))}
            name = imap_name(path, special, prefix if rid is None else "")
            total += check_folder(m, alias, name, rows, files)
        m.logout()
    print("imap ok: %d messages" % total)

main()
