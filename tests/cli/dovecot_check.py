#!/usr/bin/env python3
"""dovecot_check.py: reads a store's mail back over IMAP from a Dovecot that
serves what `ccmig export --maildir` wrote, and compares it with the store.

Usage: python3 dovecot_check.py [--flag] STORE.db MAILDIR_ROOT PORT PASSWORD

For each mailbox of the store: logs in as its alias, LISTs the folders (they
must be the store's folders and the public folders under "Public/", nothing
missing and nothing else), and for each folder checks STATUS and EXAMINE
counts, then FETCHes every message: the bytes equal the Maildir file,
\\Seen and \\Draft follow is_read and is_unsent, and Subject, body text
and attachments (names and bytes) equal the store's. The public folders
are checked the same way once, from the first mailbox's login.

With --flag first, instead sets \\Flagged on every message of every
mailbox's Inbox, as a reader would (Dovecot renames their files).

Prints one line per difference naming mailbox, folder and message, and a
summary; exits 1 when anything differs. Every wait is bounded.
"""
import base64
import contextlib
import email
import email.policy
import imaplib
import os
import re
import signal
import sys

from store_uid import FILE_NAME, MESSAGE_ID, uid_map
from store_read import (attachments, expected_file, exported_file, exported_name, folders, is_forwarded, levels,
                        mailboxes, messages, open_store)

WHOLE_RUN = 120
IO_TIMEOUT = 20
MAX_REPORTED = 40

FLAG = sys.argv[1:2] == ["--flag"]
STORE, ROOT, PORT, PASSWORD = sys.argv[1 + FLAG:5 + FLAG]
PORT = int(PORT)
problems = []
counts = {"mailboxes": 0, "folders": 0, "messages": 0, "attachments": 0}


def problem(where, what):
    problems.append("%s: %s" % (where, what))


def mutf7(name):
    """A mailbox name as IMAP writes it (modified UTF-7, RFC 3501 5.1.3)."""
    out, run = [], []

    def flush():
        if run:
            b = base64.b64encode("".join(run).encode("utf-16-be")).decode()
            out.append("&" + b.rstrip("=").replace("/", ",") + "-")
            run.clear()
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def quoted(name):
    return '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"')


def check_ok(where, what, typ, data):
    if typ != "OK":
        problem(where, "%s failed: %s %s" % (what, typ, b" ".join(
            d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")))
        return False
    return True


LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?:NIL|"(?:[^"\\]|\\.)*") (?P<name>.*)$', re.S)


def listed(imap, where):
    """Every name LIST "" "*" gives: {name: flags}."""
    typ, data = imap.list('""', "*")
    if not check_ok(where, "LIST", typ, data):
        return {}
    names = {}
    for item in data:
        literal = None
        if isinstance(item, tuple):
            item, literal = item
        m = LIST_LINE.match(item)
        if not m:
            problem(where, "unreadable LIST line %r" % item)
            continue
        name = m.group("name")
        if literal is not None:
            name = literal
        elif name.startswith(b'"'):
            name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
        names[name.decode("ascii")] = m.group("flags").decode().split()
    return names


def expected_folders(db, mailbox_id, prefix):
    """(imap name, store folder) for each folder of a mailbox or the public tree."""
    out = []
    for f in folders(db, mailbox_id):
        lv = levels(f)
        name = "/".join(lv) if lv else "INBOX"
        out.append((mutf7(prefix + name), f))
    return out


def normal_text(s):
    return s.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


FETCH_HEAD = re.compile(rb"^(\d+) \(")


def fetch_all(imap, where):
    """FLAGS and BODY.PEEK[] of every message of the selected folder:
    [(flags, bytes)]."""
    typ, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[])")
    if not check_ok(where, "FETCH", typ, data):
        return []
    out = []
    for item in data:
        if isinstance(item, tuple):
            head, body = item
            if not FETCH_HEAD.match(head):
                problem(where, "unreadable FETCH response %r" % head[:80])
                continue
            out.append([head, body])
        elif out:
            out[-1][0] += item   # what follows the literal: ")" or more items
    result = []
    for text, body in out:
        m = re.search(rb"FLAGS \(([^)]*)\)", text)
        result.append((m.group(1).decode().split() if m else None, body))
    return result


def as_imap(raw):
    """A message file as IMAP sends it: lines end in CRLF (RFC 3501), however
    the file ends them."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", raw)


def message_files():
    """Every message file the export wrote under ROOT: {id: [path]}. Found
    by name wherever it is, however the folders are named on disk."""
    found = {}
    for d, _, names in os.walk(ROOT):
        if os.path.basename(d) in ("cur", "new"):
            for n in names:
                m = FILE_NAME.match(n)
                if m and m.group(1) in uids:
                    found.setdefault(uids[m.group(1)], []).append(os.path.join(d, n))
                elif m:
                    problem(os.path.join(d, n), "named for a message the store does not have")
    return found


def check_message(where, m, flags, data):
    files = on_disk.get(m["id"], [])
    if len(files) != 1:
        problem(where, "%d files for it in %s: %s" % (len(files), ROOT, files))
    else:
        with open(files[0], "rb") as f:
            raw = as_imap(f.read())
        if data != raw:
            problem(where, "FETCH BODY[] gave %d bytes that differ from %s (%d bytes)"
                    % (len(data), files[0], len(raw)))
    if flags is None:
        problem(where, "no FLAGS in the FETCH response")
    else:
        if ("\\Seen" in flags) != bool(m["is_read"]):
            problem(where, "FLAGS %s, but is_read is %d" % (flags, m["is_read"]))
        if ("\\Draft" in flags) != bool(m["is_unsent"]):
            problem(where, "FLAGS %s, but is_unsent is %d" % (flags, m["is_unsent"]))
    msg = email.message_from_bytes(data, policy=email.policy.default)
    subject = str(msg["Subject"] or "")
    if subject != (m["subject"] or ""):
        problem(where, "Subject %r, the store has %r" % (subject, m["subject"]))
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else None
    if text is None or normal_text(text) != normal_text(m["body"] or ""):
        problem(where, "body text %r differs from the store's %r"
                % ((text or "")[:60], (m["body"] or "")[:60]))
    parts = list(msg.iter_attachments())
    want = attachments(db, m["id"])
    counts["attachments"] += len(want)
    if len(parts) != len(want):
        problem(where, "%d attachments, the store has %d" % (len(parts), len(want)))
    for i, (p, (wname, wdata, wkind)) in enumerate(zip(parts, want), 1):
        p, grsrc = exported_file(p)
        gname = p.get_filename()
        if gname != exported_name(wname, wdata):
            problem(where, "attachment %d is named %r, the store has %r" % (i, gname, wname))
        if is_forwarded(wname, wdata):
            # An attached message; export_check.py compares what is in it.
            if p.get_content_type() != "message/rfc822":
                problem(where, "attachment %d %r is %s, not an attached message"
                        % (i, wname, p.get_content_type()))
            continue
        gdata = p.get_payload(decode=True)
        wfile, wrsrc = expected_file(wkind, wdata)
        if gdata != wfile:
            problem(where, "attachment %d %r: %d bytes that differ from the store's %d"
                    % (i, wname, len(gdata or b""), len(wfile)))
        if grsrc != wrsrc:
            problem(where, "attachment %d %r: resource fork of %d bytes, the store's %d"
                    % (i, wname, len(grsrc or b""), len(wrsrc or b"")))


def check_folder(imap, who, name, folder):
    where = "%s, folder %r (IMAP %s)" % (who, folder["path"], name)
    want = messages(db, folder["id"])
    counts["folders"] += 1
    typ, data = imap.status(quoted(name), "(MESSAGES UNSEEN)")
    if check_ok(where, "STATUS", typ, data):
        st = re.search(r"\(([^()]*)\)\s*$", (data[-1] or b"").decode())
        st = dict(zip(*[iter(st.group(1).split())] * 2)) if st else {}
        unseen = sum(1 for m in want if not m["is_read"])
        if st.get("MESSAGES") != str(len(want)):
            problem(where, "STATUS MESSAGES %s, the store has %d"
                    % (st.get("MESSAGES"), len(want)))
        if st.get("UNSEEN") != str(unseen):
            problem(where, "STATUS UNSEEN %s, the store has %d unread"
                    % (st.get("UNSEEN"), unseen))
    typ, data = imap.select(quoted(name), readonly=True)
    if not check_ok(where, "EXAMINE", typ, data):
        return
    if data[0] != b"%d" % len(want):
        problem(where, "EXAMINE says %s messages, the store has %d"
                % (data[0].decode(), len(want)))
    got = fetch_all(imap, where) if data[0] != b"0" else []
    by_id = {}
    for flags, body in got:
        mid = MESSAGE_ID.search(body)
        if not mid or mid.group(1).decode() not in uids:
            problem(where, "a message without a ccmig Message-ID of this store: %r"
                    % body[:120])
            continue
        mid = uids[mid.group(1).decode()]
        if mid in by_id:
            problem(where, "message %d is in the folder twice" % mid)
        by_id[mid] = (flags, body)
    for m in want:
        counts["messages"] += 1
        mwhere = "%s, message %d %r" % (where, m["id"], m["subject"])
        if m["id"] not in by_id:
            problem(mwhere, "not in the IMAP folder")
            continue
        check_message(mwhere, m, *by_id.pop(m["id"]))
    for mid in by_id:
        problem(where, "message %d is there, the store has it elsewhere or not at all" % mid)
    imap.close()


@contextlib.contextmanager
def login(alias):
    imap = imaplib.IMAP4("127.0.0.1", PORT, timeout=IO_TIMEOUT)
    try:
        imap.login(alias, PASSWORD)
        yield imap
    finally:
        imap.logout()


def check_mailbox(imap, alias, mailbox_id, public, with_public):
    """Checks LIST, then each folder of the mailbox and, with_public, each
    public folder."""
    who = "mailbox %s" % alias
    counts["mailboxes"] += 1
    own = expected_folders(db, mailbox_id, "")
    names = listed(imap, who)
    wanted = {name for name, _ in own + public}
    for name in sorted(wanted - set(names)):
        problem(who, "folder %s is not in LIST" % name)
    for name in sorted(set(names) - wanted - {"Public"}):
        if not {"\\Noselect", "\\NonExistent"} & set(names[name]):
            problem(who, "LIST shows %s, which is no folder of the store" % name)
    todo = [(who, name, f) for name, f in own]
    if with_public:
        todo += [("public folders", name, f) for name, f in public]
    for owner, name, f in todo:
        if name in names:
            check_folder(imap, owner, name, f)


def flag_inbox(imap, alias):
    """Sets \\Flagged on every message of the Inbox."""
    typ, data = imap.select("INBOX")
    if check_ok("mailbox %s" % alias, "SELECT", typ, data) and data[0] != b"0":
        typ, data = imap.store("1:*", "+FLAGS", "(\\Flagged)")
        check_ok("mailbox %s" % alias, "STORE", typ, data)


def main():
    global db, on_disk, uids
    signal.signal(signal.SIGALRM, lambda *a: (print("FAIL: whole run timed out"),
                                              os._exit(1)))
    signal.alarm(WHOLE_RUN)
    db = open_store(STORE)
    uids = uid_map(db)
    on_disk = message_files()
    public = expected_folders(db, None, "Public/")
    boxes = mailboxes(db)
    if not boxes:
        problem("store", "no mailboxes to check")
    for i, b in enumerate(boxes):
        try:
            with login(b["alias"]) as imap:
                if FLAG:
                    flag_inbox(imap, b["alias"])
                else:
                    check_mailbox(imap, b["alias"], b["id"], public, i == 0)
        except (imaplib.IMAP4.error, OSError) as e:
            problem("mailbox %s" % b["alias"], "IMAP: %s" % e)
    for p in problems[:MAX_REPORTED]:
        print("FAIL", p)
    if len(problems) > MAX_REPORTED:
        print("FAIL ... and %d more" % (len(problems) - MAX_REPORTED))
    if not FLAG:
        print("checked %(mailboxes)d mailboxes, %(folders)d folders, %(messages)d "
              "messages, %(attachments)d attachments over IMAP" % counts)
    sys.exit(1 if problems else 0)


main()
