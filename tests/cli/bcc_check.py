#!/usr/bin/env python3
"""bcc_check.py: blind copies show on the sender's own copy only, in every
output (docs/render.md).

    bcc_check.py STORE MAILDIR MBOX_DIR IMAP_PORT PASSWORD

The store says which messages are their sender's own copies
(export_check.senders_copy, read on its own from the store's tables) and
which have Bcc recipients. The Maildir, the mbox files and what the IMAP
server holds (each mailbox logged in as itself) must each show a Bcc
header on exactly the sender's copies that have blind copies, and on no
other message: not on a received copy whose store row names Bcc
recipients (the data must hold both kinds).
"""
import email
import email.policy
import imaplib
import mailbox
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_check import load_store  # noqa: E402
from store_uid import FILE_NAME, MESSAGE_ID, uid_map  # noqa: E402

STORE, MAILDIR, MBOX, PORT, PASSWORD = sys.argv[1:6]


def has_bcc(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)["Bcc"] is not None


def uid_of(raw):
    m = MESSAGE_ID.search(raw)
    return m.group(1).decode() if m else None


def main():
    db, folders, msgs = load_store(STORE)
    names = {i: u for u, i in uid_map(db).items()}
    want = {names[i] for i, m in msgs.items()
            if m["senders_copy"] and any(k == "bcc" for k, _, _ in m["rcpts"])}
    received = [i for i, m in msgs.items()
                if not m["senders_copy"] and any(k == "bcc" for k, _, _ in m["rcpts"])]
    bad = []
    if not want or not received:
        bad.append("the data tries nothing: %d sender's copies with Bcc, %d received "
                   "copies whose row names Bcc recipients" % (len(want), len(received)))
    got = {"maildir": set(), "mbox": set(), "imap": set()}
    for d, _, files in os.walk(MAILDIR):
        for f in files:
            mt = FILE_NAME.match(f)
            if mt and os.path.basename(d) in ("cur", "new"):
                with open(os.path.join(d, f), "rb") as fh:
                    if has_bcc(fh.read()):
                        got["maildir"].add(mt.group(1))
    for d, _, files in os.walk(MBOX):
        for f in files:
            if f.endswith(".mbox"):
                for mm in mailbox.mbox(os.path.join(d, f), create=False):
                    raw = mm.as_bytes()
                    if has_bcc(raw):
                        got["mbox"].add(uid_of(raw))
    aliases = [r[0] for r in db.execute("SELECT alias FROM recipients WHERE kind = 'mailbox'")]
    for alias in aliases:
        imap = imaplib.IMAP4("127.0.0.1", int(PORT), timeout=30)
        imap.login(alias, PASSWORD)
        for line in imap.list()[1]:
            name = line.decode().rsplit(' "', 1)[-1].rstrip('"') \
                if line.decode().endswith('"') else line.decode().rsplit(" ", 1)[-1]
            typ, count = imap.select('"%s"' % name, readonly=True)
            if typ != "OK" or int(count[0]) == 0:
                continue
            typ, data = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID BCC)])")
            for part in data if typ == "OK" else []:
                if isinstance(part, tuple) and has_bcc(part[1]):
                    got["imap"].add(uid_of(part[1]))
        imap.logout()
    for where, seen in got.items():
        if seen != want:
            bad.append("%s: Bcc on %d messages that are not their sender's copy with blind "
                       "copies, missing on %d that are" % (where, len(seen - want),
                                                           len(want - seen)))
    for b in bad:
        print("FAIL " + b)
    if not bad:
        print("ok: Bcc on the %d sender's copies with blind copies in the Maildir, the "
              "mbox files and IMAP; on none of %d received copies" % (len(want), len(received)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
