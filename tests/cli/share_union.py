"""share_union.py: do the stores of the shares of a post office hold, together,
what one whole migration holds? (docs/scale.md)

    python3 share_union.py [--no-directory] WHOLE.db[,WHOLE.db...] SHARE.db...

Checks that every share's store has the whole directory, the lists and their
members (the lines of store_dump.py that are not mail); that every source
message (post office, owner, fingerprint, occurrence) of the whole store is
recorded by exactly one share with the same decision, and stored there with
the same digest (headers, recipients, body, attachments by content); and that
no share holds a message the whole store does not. Several whole stores
(one a post office, comma-separated) are taken as one; --no-directory leaves
the directory out (stores of jobs that hold several post offices' shares).
Exit 1 with what differs.
"""
import hashlib
import sqlite3
import sys

from store_dump import dump

MAIL = ("folder ", "pab ", "public folder ", "message ")


def directory(path):
    return [l for l in dump(path) if not l.strip().startswith(MAIL)]


def digest(db, mid):
    if mid is None:
        return None
    h = hashlib.sha256()
    m = db.execute("SELECT sender_name, sender_address, subject, sent_utc, received_utc, "
                   "priority, is_read, is_unsent, body FROM messages WHERE id = ?",
                   (mid,)).fetchone()
    h.update(repr(m).encode())
    for r in db.execute("SELECT kind, display_name, address FROM message_recipients "
                        "WHERE message_id = ? ORDER BY seq", (mid,)):
        h.update(repr(r).encode())
    for a in db.execute("SELECT kind, name, position, size, blob_id FROM attachments "
                        "WHERE message_id = ? ORDER BY seq", (mid,)):
        h.update(repr(a[:4]).encode())
        for (data,) in db.execute("SELECT data FROM blob_parts WHERE blob_id = ? "
                                  "ORDER BY seq", (a[4],)):
            h.update(data)
    for (c,) in db.execute("SELECT id FROM messages WHERE parent_id = ? ORDER BY id", (mid,)):
        h.update(digest(db, c).encode())
    return h.hexdigest()


def sources(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = {}
    for r in db.execute("SELECT po, owner, fingerprint, dup, decision, reason, message_id "
                        "FROM source_messages"):
        decision = "migrated" if r[4] in ("migrated", "already") else r[4]
        out[r[:4]] = (decision, r[5], digest(db, r[6]))
    return out


def main():
    args = sys.argv[1:]
    check_dir = args[0] != "--no-directory"
    if not check_dir:
        args = args[1:]
    whole, shares = args[0], args[1:]
    bad = []
    if check_dir:
        want_dir = directory(whole)
        for s in shares:
            if directory(s) != want_dir:
                bad.append("%s: its directory, lists or members differ from %s's" % (s, whole))
    want = {}
    for w in whole.split(","):
        want.update(sources(w))
    seen = {}
    for s in shares:
        for k, v in sources(s).items():
            if k in seen:
                bad.append("%s: message %s is also recorded by %s" % (s, k, seen[k]))
            seen[k] = s
            if k not in want:
                bad.append("%s: message %s is not in %s" % (s, k, whole))
            elif want[k] != v:
                bad.append("%s: message %s is %s, in %s %s" % (s, k, v, whole, want[k]))
    for k in want:
        if k not in seen:
            bad.append("no share holds message %s of %s" % (k, whole))
    if not want:
        bad.append("%s holds no message: nothing was compared" % whole)
    for b in bad[:20]:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
