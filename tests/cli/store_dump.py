"""store_dump.py: a ccmig store as canonical text, to compare the store of a
sequence of runs with the store of one fresh run (docs/import.md, "Again,
and after a crash"). Ids, runs, events and decisions are left out; what a
user sees is in: mailboxes by cc:Mail name and post office with their
directory data and addresses, folders, messages with their recipients,
headers, body and attachments (by content), address books, public folders.

    python3 store_dump.py S.db            the dump on stdout
    python3 store_dump.py A.db B.db       exit 1 and a diff when they differ
"""
import difflib
import hashlib
import sqlite3
import sys


def dump(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = []

    def blob_sha(blob_id):
        h = hashlib.sha256()
        for (data,) in db.execute("SELECT data FROM blob_parts WHERE blob_id = ? "
                                  "ORDER BY seq", (blob_id,)):
            h.update(data)
        return h.hexdigest()

    def messages(folder_id, prefix):
        lines = []
        for m in db.execute("SELECT id, sender_name, sender_address, subject, "
                            "sent_utc, received_utc, priority, is_read, is_unsent, "
                            "body FROM messages WHERE folder_id = ? AND parent_id IS NULL",
                            (folder_id,)):
            mid = m[0]
            body = hashlib.sha256((m[9] or "").encode()).hexdigest()[:16]
            text = "%s message from=%r/%r subject=%r sent=%s recv=%s prio=%s read=%s unsent=%s body=%s" % (
                (prefix,) + tuple(m[1:9]) + (body,))
            rc = ["%s:%r/%r" % r for r in db.execute(
                "SELECT kind, display_name, address FROM message_recipients "
                "WHERE message_id = ? ORDER BY seq", (mid,))]
            hd = ["%s=%r" % h for h in db.execute(
                "SELECT name, value FROM message_headers WHERE message_id = ? "
                "ORDER BY seq", (mid,))]
            at = ["%s:%r:%s:%s:%s" % (a[0], a[1], a[2], a[3], blob_sha(a[4])) for a in db.execute(
                "SELECT kind, name, position, size, blob_id FROM attachments "
                "WHERE message_id = ? ORDER BY seq", (mid,))]
            lines.append(text + " rcpts=" + ";".join(rc) + " headers=" + ";".join(hd) +
                         " atts=" + ";".join(at))
        return sorted(lines)

    boxes = db.execute("SELECT id, ccmail_name, ccmail_po, alias, display_name, "
                       "first_name, last_name, kind FROM recipients WHERE kind = 'mailbox'").fetchall()
    for b in sorted(boxes, key=lambda r: ((r[2] or "").upper(), (r[1] or "").lower(), r[3].lower())):
        name = "%s at %s" % (b[1], b[2])
        out.append("mailbox %s alias=%s display=%r first=%r last=%r" % (name, b[3], b[4], b[5], b[6]))
        addrs = sorted("%s:%s:%s" % a for a in db.execute(
            "SELECT type, address, is_primary FROM addresses WHERE recipient_id = ?", (b[0],)))
        out.append("  addresses " + "; ".join(addrs))
        lists = sorted(r[0] for r in db.execute(
            "SELECT d.display_name FROM dl_members x JOIN recipients d ON d.id = x.dl_id "
            "WHERE x.member_id = ?", (b[0],)))
        out.append("  lists " + "; ".join(lists))
        for f in sorted(db.execute("SELECT id, path, special FROM folders WHERE mailbox_id = ?",
                                   (b[0],)).fetchall(), key=lambda r: r[1].lower()):
            out.append("  folder %s special=%s" % (f[1], f[2]))
            out += messages(f[0], "    ")
        pab = sorted("%s %r %r %r" % p for p in db.execute(
            "SELECT kind, display_name, email, fields FROM pab_entries WHERE mailbox_id = ?", (b[0],)))
        out += ["  pab " + p for p in pab]
    for f in sorted(db.execute("SELECT id, path FROM folders WHERE mailbox_id IS NULL").fetchall(),
                    key=lambda r: r[1].lower()):
        out.append("public folder %s" % f[1])
        out += messages(f[0], "  ")
    others = sorted("%s %s %r" % r for r in db.execute(
        "SELECT kind, alias, display_name FROM recipients WHERE kind != 'mailbox'"))
    out += ["recipient " + r for r in others]
    return out


def main():
    if len(sys.argv) == 2:
        print("\n".join(dump(sys.argv[1])))
        return 0
    a, b = dump(sys.argv[1]), dump(sys.argv[2])
    if a == b:
        return 0
    sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(a, b, sys.argv[1], sys.argv[2],
                                                                 lineterm="", n=1))
    return 1


if __name__ == "__main__":
    sys.exit(main())
