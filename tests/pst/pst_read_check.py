#!/usr/bin/python3
"""pst_read_check.py: reads the PST files of `ccmig export --pst` back with
libpff (pypff, not ccmig's code) and compares them with the store.

Usage: pst_read_check.py --store S.db --dir DIR

For every mailbox (DIR/<alias>.pst) and the public folders (DIR/public.pst):
every folder of the store is there below Top of Personal Folders, with
its messages in order; each message's subject, sender, date of sending
(the date the export dates it by when it has none), read flag, importance,
the names of its To and Cc recipients, body, every attachment's name and
SHA-256, and the messages forwarded in it as embedded messages, to any
depth, checked the same way. Prints "checked N messages, A attachments,
E embedded" and exits 1 listing every difference.
"""
import datetime
import hashlib
import os
import sqlite3
import struct
import sys

import pypff

bad = []
count = {"messages": 0, "attachments": 0, "embedded": 0}


def props(item, rs=0):
    out = {}
    for e in item.get_record_set(rs).entries:
        out[e.entry_type] = (e.value_type, e.data)
    return out


def text(p, tag):
    v = p.get(tag)
    if not v or v[1] is None:
        return None if not v else ""
    return v[1].decode("utf-16-le")


def long_(p, tag):
    v = p.get(tag)
    return struct.unpack("<i", v[1][:4])[0] if v and v[1] else None


def filetime(p, tag):
    v = p.get(tag)
    if not v or not v[1]:
        return None
    t = struct.unpack("<Q", v[1])[0]
    return t // 10000000 - 11644473600


def msg_date(row):
    for k in ("sent_utc", "received_utc", "stored_utc"):
        if row[k] is not None:
            return row[k]
    return 0


def check_message(db, row, m, where):
    count["messages"] += 1
    p = props(m)
    here = f"{where}: message {row['id']} ({row['subject']!r})"

    def same(what, got, want):
        if got != want:
            bad.append(f"{here}: {what} is {got!r}, not {want!r}")
    same("subject", text(p, 0x0037), row["subject"] or "")
    same("class", text(p, 0x001A), "IPM.Note")
    same("sender", text(p, 0x0C1A), row["sender_name"])
    same("sent date", filetime(p, 0x0039), row["sent_utc"] if row["sent_utc"] is not None
         else msg_date(row))
    flags = long_(p, 0x0E07) or 0
    if row["parent_id"] is None:
        same("read flag", bool(flags & 1), bool(row["is_read"]))
    same("unsent flag", bool(flags & 8), bool(row["is_unsent"]))
    same("importance", long_(p, 0x0017), row["priority"] + 1)
    if row["body"]:
        same("body", text(p, 0x1000), row["body"])
    # Recipients.
    want = db.execute("SELECT kind, display_name FROM message_recipients WHERE message_id=? "
                      "ORDER BY seq", (row["id"],)).fetchall()
    # pypff does not read the recipient table: the names the message
    # lists in PR_DISPLAY_TO and PR_DISPLAY_CC are compared (a recipient
    # without a display name shows its address: not compared).
    if all(d is not None for _, d in want):
        same("To", text(p, 0x0E04) or "", "; ".join(d for k, d in want if k == "to"))
        same("Cc", text(p, 0x0E03) or "", "; ".join(d for k, d in want if k == "cc"))
    # Parts: attachments, a forwarded message in place of its seq.
    fwd = {r["parent_seq"]: r for r in db.execute(
        "SELECT * FROM messages WHERE parent_id=? ORDER BY parent_seq", (row["id"],))}
    parts = []
    for a in db.execute("SELECT a.seq, a.name, b.sha256 FROM attachments a JOIN blobs b "
                        "ON b.id=a.blob_id WHERE message_id=? ORDER BY seq", (row["id"],)):
        if a["seq"] not in fwd:
            parts.append((a["seq"], "file", a))
    parts += [(s, "msg", r) for s, r in fwd.items()]
    parts.sort(key=lambda x: x[0])
    if m.number_of_attachments != len(parts):
        bad.append(f"{here}: {m.number_of_attachments} attachments, not {len(parts)}")
        return
    for k, (seq, kind, r) in enumerate(parts):
        a = m.get_attachment(k)
        ap = props(a)
        method = long_(ap, 0x3705)
        if kind == "file":
            count["attachments"] += 1
            same(f"attachment {seq} method", method, 1)
            same(f"attachment {seq} name", text(ap, 0x3707), r["name"])
            data = a.read_buffer(a.size) if a.size else b""
            same(f"attachment {seq} SHA-256", hashlib.sha256(data).hexdigest(),
                 r["sha256"].hex())
        else:
            count["embedded"] += 1
            same(f"part {seq} method", method, 5)
            if ap.get(0x3701, (0,))[0] != 0x0D:
                bad.append(f"{here}: part {seq}: PR_ATTACH_DATA_OBJ is not an object")
            # This pypff gives no embedded item; pffexport's tree is
            # compared in export_pst.sh instead.
            if a.number_of_sub_items == 1:
                check_message(db, r, a.get_sub_item(0), f"{here} > part {seq}")


def folders_of(pst_folder, prefix, out):
    for i in range(pst_folder.number_of_sub_folders):
        f = pst_folder.get_sub_folder(i)
        path = f"{prefix}\\{f.name}" if prefix else f.name
        out[path] = f
        folders_of(f, path, out)


def check_file(db, path, mailbox):
    if not os.path.exists(path):
        bad.append(f"{path}: missing")
        return
    f = pypff.file()
    f.open(path)
    root = f.get_root_folder()
    tops = [root.get_sub_folder(i) for i in range(root.number_of_sub_folders)]
    top = [t for t in tops if t.name == "Top of Personal Folders"]
    if len(top) != 1:
        bad.append(f"{path}: no Top of Personal Folders")
        return
    got = {}
    folders_of(top[0], "", got)
    q = "SELECT * FROM folders WHERE " + ("mailbox_id=?" if mailbox else "mailbox_id IS NULL")
    want = db.execute(q + " ORDER BY path", (mailbox,) if mailbox else ()).fetchall()
    if sorted(got) != sorted(r["path"] for r in want):
        bad.append(f"{path}: folders {sorted(got)!r}, not {sorted(r['path'] for r in want)!r}")
    for fr in want:
        pf = got.get(fr["path"])
        if pf is None:
            continue
        rows = db.execute("SELECT * FROM messages WHERE folder_id=? AND parent_id IS NULL "
                          "ORDER BY id", (fr["id"],)).fetchall()
        if pf.number_of_sub_messages != len(rows):
            bad.append(f"{path}: {fr['path']}: {pf.number_of_sub_messages} messages, "
                       f"not {len(rows)}")
            continue
        for k, row in enumerate(rows):
            check_message(db, row, pf.get_sub_message(k), f"{path}: {fr['path']}")
    f.close()


def main():
    args = sys.argv[1:]
    if len(args) != 4 or args[0] != "--store" or args[2] != "--dir":
        sys.exit(__doc__.split("Usage: ")[1].split("\n")[0])
    db = sqlite3.connect(args[1])
    db.row_factory = sqlite3.Row
    for r in db.execute("SELECT DISTINCT r.id, r.alias FROM folders f JOIN recipients r "
                        "ON r.id=f.mailbox_id ORDER BY r.id").fetchall():
        check_file(db, os.path.join(args[3], r["alias"] + ".pst"), r["id"])
    if db.execute("SELECT 1 FROM folders WHERE mailbox_id IS NULL").fetchone():
        check_file(db, os.path.join(args[3], "public.pst"), None)
    for b in bad:
        print(b)
    print(f"checked {count['messages']} messages, {count['attachments']} attachments, "
          f"{count['embedded']} embedded")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
