#!/usr/bin/python3
"""pst_read_check.py: reads the PST files of `ccmig export --pst` back with
libpff (pypff, not ccmig's code) and, for what libpff does not give (the
recipient table, embedded messages), with the tests' own readers
(pst_message_read.py), and compares them with the store.

Usage: pst_read_check.py --store S.db --dir DIR [--store S.db --dir DIR]...

Several stores, each with the folder of its export, are checked in one
process, one after the other (faster than a process for each).

For every mailbox (DIR/<alias>.pst, the alias made a safe file name: the
file whose message store is named after the alias) and the public folders
(DIR/public.pst, "Public Folders"):
every folder of the store is there below Top of Personal Folders, with
its messages in order; each message's subject, sender, date of sending
(the date the export dates it by when it has none), read flag, importance,
body, every row of its recipient table (type, display name, address type,
address: To and Cc, Bcc only on the sender's own copy, as
export_check.py's senders_copy() decides it), the names of its To and Cc
recipients, every attachment's name and SHA-256, and the messages
forwarded in it as embedded messages (PR_ATTACH_DATA_OBJ), to any depth,
checked the same way. Prints "checked N messages, R recipients, A
attachments, E embedded" and exits 1 listing every difference. The
Drafts folder is named by PR_IPM_DRAFTS_ENTRYID on the root folder and
the Inbox; the address book's folder (IPF.Contact) is left to
pst_pab_check.py.
"""
import datetime
import hashlib
import os
import sqlite3
import struct
import sys

import pypff

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import export_check  # noqa: E402  (senders_copy: whose copy shows its Bcc)
from ltp_read import Bad  # noqa: E402
from pst_message_read import PstFile, Subnodes, pc  # noqa: E402

bad = []
owner, held = {}, {}    # folder id: (mailbox, special, owner's name); mailbox: addresses
count = {"messages": 0, "recipients": 0, "attachments": 0, "embedded": 0}


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


class PffView:
    """A message as libpff reads it; its recipient table and embedded
    messages as pst_message_read.py does (libpff gives neither)."""

    def __init__(self, m, pst):
        self.m = m
        self.props = props(m)
        self.own = pst.message(m.identifier)

    def recipients(self):
        return self.own.recipients()

    def parts(self):
        own = self.own.parts()
        n = self.m.number_of_attachments
        if len(own) != n:
            raise Bad(f"libpff reads {n} attachments, the attachment table has {len(own)}")
        out = []
        for k in range(n):
            a = self.m.get_attachment(k)
            out.append((props(a), lambda a=a: a.read_buffer(a.size) if a.size else b"",
                        lambda k=k: own_view(own[k].message())))
        return out


class OwnView:
    """A message as pst_message_read.py reads it."""

    def __init__(self, m):
        self.m = m
        self.props = m.props

    def recipients(self):
        return self.m.recipients()

    def parts(self):
        return [(p.props, p.data, lambda p=p: own_view(p.message())) for p in self.m.parts()]


def own_view(m):
    return OwnView(m) if m is not None else None


def split_address(address, name):
    """docs/pst.md: "TYPE:address"; none: CCMAIL and the cc:Mail name."""
    if address and ":" in address and not address.startswith(":"):
        t, _, e = address.partition(":")
        return t, e
    return "CCMAIL", address if address is not None else name or ""


def want_recipients(db, row, top):
    """(type, display name, address type, address) of each recipient the
    message lists: To and Cc, Bcc only on the sender's own copy."""
    own = top and export_check.senders_copy(row, owner[row["folder_id"]], held)
    out = []
    for r in db.execute("SELECT kind, display_name, address FROM message_recipients "
                        "WHERE message_id=? ORDER BY seq", (row["id"],)):
        if r["kind"] == "bcc" and not own:
            continue
        atype, addr = split_address(r["address"], r["display_name"])
        name = r["display_name"] if r["display_name"] is not None else addr
        out.append(({"to": 1, "cc": 2, "bcc": 3}[r["kind"]], name, atype, addr))
    return out


def check_message(db, row, m, where, carrier=None):
    """carrier: the date of the message row is forwarded in (None: a
    message of a folder). A forwarded message without a date of sending
    is dated by it, as every export dates it (store/messages.h)."""
    count["messages"] += 1
    p = m.props
    here = f"{where}: message {row['id']} ({row['subject']!r})"

    def same(what, got, want):
        if got != want:
            bad.append(f"{here}: {what} is {got!r}, not {want!r}")
    same("subject", text(p, 0x0037), row["subject"] or "")
    same("class", text(p, 0x001A), "IPM.Note")
    same("sender", text(p, 0x0C1A), row["sender_name"])
    if row["sent_utc"] is not None:
        date = row["sent_utc"]
    else:
        date = msg_date(row) if carrier is None else carrier
    same("sent date", filetime(p, 0x0039), date)
    if carrier is not None:
        same("delivery date", filetime(p, 0x0E06), date)
    flags = long_(p, 0x0E07) or 0
    if row["parent_id"] is None:
        same("read flag", bool(flags & 1), bool(row["is_read"]))
    same("unsent flag", bool(flags & 8), bool(row["is_unsent"]))
    same("importance", long_(p, 0x0017), row["priority"] + 1)
    if row["body"]:
        same("body", text(p, 0x1000), row["body"])
    # Recipients: the recipient table, row by row.
    want = want_recipients(db, row, row["parent_id"] is None)
    got = [(long_(r, 0x0C15), text(r, 0x3001), text(r, 0x3002), text(r, 0x3003))
           for r in m.recipients()]
    count["recipients"] += len(got)
    if got != want:
        extra = [r for r in got if r not in want]
        missing = [r for r in want if r not in got]
        bad.append(f"{here}: recipients {got!r}, not {want!r} (missing {missing!r}, "
                   f"not in the store {extra!r})")
    # And the names the message lists in PR_DISPLAY_TO and PR_DISPLAY_CC (a
    # recipient without a display name shows its address: not compared).
    if all(d is not None for _, d, _, _ in want):
        same("To", text(p, 0x0E04) or "", "; ".join(d for k, d, _, _ in want if k == 1))
        same("Cc", text(p, 0x0E03) or "", "; ".join(d for k, d, _, _ in want if k == 2))
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
    got_parts = m.parts()
    if len(got_parts) != len(parts):
        bad.append(f"{here}: {len(got_parts)} attachments, not {len(parts)}")
        return
    for (seq, kind, r), (ap, data, embedded) in zip(parts, got_parts):
        method = long_(ap, 0x3705)
        if kind == "file":
            count["attachments"] += 1
            same(f"attachment {seq} method", method, 1)
            same(f"attachment {seq} name", text(ap, 0x3707), r["name"])
            same(f"attachment {seq} SHA-256", hashlib.sha256(data()).hexdigest(),
                 r["sha256"].hex())
        else:
            count["embedded"] += 1
            same(f"part {seq} method", method, 5)
            inner = embedded()
            if inner is None:
                bad.append(f"{here}: part {seq}: PR_ATTACH_DATA_OBJ is not an object")
            else:
                check_message(db, r, inner, f"{here} > part {seq}", date)


def folders_of(pst_folder, prefix, out):
    # A list, not recursion: a policy may nest folders thousands deep.
    todo = [(pst_folder, prefix)]
    while todo:
        parent, above = todo.pop()
        for i in range(parent.number_of_sub_folders):
            f = parent.get_sub_folder(i)
            path = f"{above}\\{f.name}" if above else f.name
            out[path] = f
            todo.append((f, path))


def check_file(db, path, mailbox):
    if not os.path.exists(path):
        bad.append(f"{path}: missing")
        return
    try:
        pst = PstFile(path)
    except Bad as e:
        bad.append(f"{path}: {e}")
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
    # The address book's folder (IPF.Contact) is pst_pab_check.py's to check.
    for k in [k for k, pf in got.items()
              if pst.message(pf.identifier).props.get(0x3613, (0, b""))[1] ==
              "IPF.Contact".encode("utf-16-le")]:
        del got[k]
    # Drafts named by PR_IPM_DRAFTS_ENTRYID on the root folder and the Inbox.
    if "Drafts" in got:
        eid = b"\0" * 4 + pst.message(0x21).props[0x0FF9][1] + \
            struct.pack("<I", got["Drafts"].identifier)
        for what, fo in [("root folder", None), ("Inbox", got.get("Inbox"))]:
            if what == "Inbox" and fo is None:
                continue
            v = pst.message(fo.identifier if fo else 0x122).props.get(0x36D7, (0, None))[1]
            if v != eid:
                bad.append(f"{path}: the {what}'s PR_IPM_DRAFTS_ENTRYID is "
                           f"{v.hex() if v else None}, not {eid.hex()}")
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
            where = f"{path}: {fr['path']}"
            try:
                check_message(db, row, PffView(pf.get_sub_message(k), pst), where)
            except Bad as e:
                bad.append(f"{where}: message {row['id']}: {e}")
    f.close()


def files_by_name(folder):
    """{message store display name: path} of the PST files in folder. The
    export names a file after its mailbox's alias, made safe as a file
    name (core/export/mailboxes.h), and names the store by the alias as
    it is: this finds the file whatever the alias."""
    out = {}
    for f in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        path = os.path.join(folder, f)
        if not f.endswith(".pst"):
            continue
        try:
            pst = PstFile(path)
            dbid, sbid = pst.c.node_bids[0x21]
            name = pc(pst, dbid, Subnodes(pst, sbid)).get(0x3001, (0, None))[1]
        except (Bad, KeyError) as e:
            bad.append(f"{path}: no message store name: {e}")
            continue
        out[(name or b"").decode("utf-16-le", "replace")] = path
    return out


def check_store(store, folder):
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    o, h = export_check.owners(db)
    owner.clear()
    owner.update(o)
    held.clear()
    held.update(h)
    files = files_by_name(folder)
    for r in db.execute("SELECT DISTINCT r.id, r.alias FROM folders f JOIN recipients r "
                        "ON r.id=f.mailbox_id ORDER BY r.id").fetchall():
        check_file(db, files.get(r["alias"], os.path.join(folder, r["alias"] + ".pst")),
                   r["id"])
    if db.execute("SELECT 1 FROM folders WHERE mailbox_id IS NULL").fetchone():
        check_file(db, files.get("Public Folders", os.path.join(folder, "public.pst")), None)
    db.close()


def store_dirs(args, doc):
    """[(store, folder)] of `--store S.db --dir DIR...`; exits with the
    usage line of `doc` when args are not that."""
    if not args or len(args) % 4 or any(args[i] != "--store" or args[i + 2] != "--dir"
                                        for i in range(0, len(args), 4)):
        sys.exit(doc.split("Usage: ")[1].split("\n")[0])
    return [(args[i + 1], args[i + 3]) for i in range(0, len(args), 4)]


def main():
    for store, folder in store_dirs(sys.argv[1:], __doc__):
        check_store(store, folder)
    for b in bad:
        print(b)
    print(f"checked {count['messages']} messages, {count['recipients']} recipients, "
          f"{count['attachments']} attachments, "
          f"{count['embedded']} embedded")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
