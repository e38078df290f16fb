#!/usr/bin/python3
"""pst_pab_check.py: reads the personal address books in the PST files of
`ccmig export --pst` back with libpff (pypff, not ccmig's code), named
properties resolved through the file's name-to-id map as the tests' own
reader (pst_message_read.py) reads it, and compares them with the store.

Usage: pst_pab_check.py --store S.db --dir DIR [--vcards RPDIR]

For every mailbox with an address book (DIR/<alias>.pst): one folder of
class IPF.Contact right below Top of Personal Folders, named Contacts,
that the root folder's and the Inbox's PR_IPM_CONTACT_ENTRYID name; in
it, in the store's order, an IPM.Contact for each entry (display name,
given name, surname, PidLidFileUnder, the PidLidEmail1* properties and
the one-off entry id of the address, each other PAB column in its
property or else in the body, the note in the body) and an IPM.DistList
for each list (PidLidDistributionListName; each member in
PidLidDistributionListMembers as a wrapped entry id naming the contact
or list of that name, else as a one-off entry id of the address, and in
PidLidDistributionListOneOffMembers as a one-off entry id, both cut short
only near the 15,000 bytes Outlook allows them; the checksum; every
member in the body). A mailbox without one has no IPF.Contact
folder. With --vcards, RPDIR/<alias>/ holds what `readpst -r -cv` wrote
of the file: its vCards are exactly the book's entries (FN, EMAIL).

Prints "checked N contacts, L lists, M members" and exits 1 listing every
difference.
"""
import os
import sqlite3
import struct
import sys

import pypff

from ltp_read import Bad
from pst_check import crc
from pst_message_read import PSETID_ADDRESS, PstFile

bad = []
count = {"contacts": 0, "lists": 0, "members": 0}
ONE_OFF_UID = bytes.fromhex("812b1fa4bea310199d6e00dd010f5402")
WRAPPED_UID = bytes.fromhex("c091add3519dcf11a4a900aa0047faa4")
# PAB columns (docs/store.md) and the contact property each goes to.
COLUMNS = {"Address": 0x3A29, "City": 0x3A27, "State": 0x3A28, "Zip": 0x3A2A,
           "Country": 0x3A26, "Title": 0x3A17, "Company": 0x3A16, "Department": 0x3A18,
           "Office": 0x3A19, "Assistant": 0x3A30, "Bus-Num": 0x3A08, "Bus2-Num": 0x3A1B,
           "Assist-Num": 0x3A2E, "Fax-Num": 0x3A24, "Home-Num": 0x3A09,
           "Home2-Num": 0x3A2F, "Mobile-Num": 0x3A1C, "Pager-Num": 0x3A21}


def props(item):
    return {e.entry_type: (e.value_type, e.data) for e in item.get_record_set(0).entries}


def text(p, tag):
    v = p.get(tag)
    return None if not v or v[1] is None else v[1].decode("utf-16-le")


def split_address(address):
    """docs/pst.md: "TYPE:address"; none: CCMAIL and the name itself."""
    if ":" in address and not address.startswith(":"):
        t, _, e = address.partition(":")
        return t, e
    return "CCMAIL", address


def one_off(b):
    """(name, type, address) of a Unicode one-off entry id."""
    if len(b) < 24 or b[:4] != b"\0" * 4 or b[4:20] != ONE_OFF_UID or \
            not struct.unpack_from("<H", b, 22)[0] & 0x8000:
        raise Bad(f"not a Unicode one-off entry id: {b[:24].hex()}")
    out, at = [], 24
    for _ in range(3):
        end = at
        while b[end:end + 2] != b"\0\0" or (end - at) % 2:
            end += 1
            if end >= len(b):
                raise Bad("one-off entry id: a string without its terminator")
        out.append(b[at:end].decode("utf-16-le"))
        at = end + 2
    if at != len(b):
        raise Bad("one-off entry id: bytes after its address")
    return tuple(out)


def multiple(b):
    """The values of a PtypMultipleBinary."""
    n = struct.unpack_from("<I", b)[0]
    offs = list(struct.unpack_from(f"<{n}I", b, 4)) + [len(b)]
    return [b[offs[i]:offs[i + 1]] for i in range(n)]


def named_item(items, name, me):
    for same in (lambda a, b: a == b, lambda a, b: a.lower() == b.lower()):
        for it in items:
            if same(it["display_name"], name):
                return it if it is not me else None
    return None


def check_item(here, p, it, cls, lid):
    """What contacts and lists share; returns the comparer for the rest."""
    def same(what, got, want):
        if got != want:
            bad.append(f"{here}: {what} is {got!r}, not {want!r}")
    count["lists" if cls == "IPM.DistList" else "contacts"] += 1
    same("class", text(p, 0x001A), cls)
    same("display name", text(p, 0x3001), it["display_name"])
    same("subject", text(p, 0x0037), it["display_name"])
    same("file under", text(p, lid(0x8005)), it["display_name"])
    return same


def check_contact(here, p, it, lid):
    same = check_item(here, p, it, "IPM.Contact", lid)
    name = it["display_name"]
    same("given name", text(p, 0x3A06), it["first_name"] or None)
    same("surname", text(p, 0x3A11), it["last_name"] or None)
    body = text(p, 0x1000) or ""
    if it["email"]:
        atype, addr = split_address(it["email"])
        same("Email1AddressType", text(p, lid(0x8082)), atype)
        same("Email1EmailAddress", text(p, lid(0x8083)), addr)
        same("Email1OriginalDisplayName", text(p, lid(0x8084)), addr)
        same("Email1DisplayName", text(p, lid(0x8080)), f"{name} ({addr})")
        v = p.get(lid(0x8085))
        try:
            same("Email1OriginalEntryId", one_off(v[1]) if v else None, (name, atype, addr))
        except Bad as e:
            bad.append(f"{here}: Email1OriginalEntryId: {e}")
    else:
        same("Email1EmailAddress", text(p, lid(0x8083)), None)
    if it["note"] and it["note"] not in body:
        bad.append(f"{here}: the note {it['note']!r} is not in the body {body!r}")
    for line in (it["fields"] or "").splitlines():
        k, _, v = line.partition("=")
        if k in COLUMNS:
            same(k, text(p, COLUMNS[k]), v)
        elif f"{k}: {v}" not in body:
            bad.append(f"{here}: {k}={v} is neither a property nor in the body")


def check_list(here, p, it, db, items, nid_of, uid, lid):
    same = check_item(here, p, it, "IPM.DistList", lid)
    same("list name", text(p, lid(0x8053)), it["display_name"])
    members = [r[0] for r in db.execute(
        "SELECT member FROM pab_members WHERE entry_id=? ORDER BY seq", (it["id"],))]
    try:
        ids = multiple(p.get(lid(0x8055), (0, b"\0" * 4))[1] or b"\0" * 4)
        offs = multiple(p.get(lid(0x8054), (0, b"\0" * 4))[1] or b"\0" * 4)
    except struct.error:
        bad.append(f"{here}: the member properties are not PtypMultipleBinary")
        return
    same("one-off members", len(offs), len(ids))
    size = max(4 + 4 * len(ids) + sum(map(len, ids)), 4 + 4 * len(offs) + sum(map(len, offs)))
    if len(ids) != len(members) and not (0 < len(ids) < len(members) and size < 15000 and
                                         size > 15000 - 1000):
        # Cut short only where the next member would pass Outlook's 15,000 bytes.
        bad.append(f"{here}: {len(ids)} members of {len(members)} ({size} bytes)")
    if size >= 15000:
        bad.append(f"{here}: member properties of {size} bytes, over Outlook's 15,000")
    chk = p.get(lid(0x804C))
    same("checksum", struct.unpack("<I", chk[1])[0] if chk else None, crc(b"".join(ids)))
    body = text(p, 0x1000) or ""
    for k, (m, eid, off) in enumerate(zip(members, ids, offs)):
        count["members"] += 1
        to = named_item(items, m, it)
        try:
            if to is not None:
                want_type = 0xB4 if to["kind"] == "dl" else 0xC3
                same(f"member {k} ({m!r}) wrapped entry id", eid[:21],
                     b"\0" * 4 + WRAPPED_UID + bytes([want_type]))
                same(f"member {k} ({m!r}) entry id", eid[21:],
                     b"\0" * 4 + uid + struct.pack("<I", nid_of[to["id"]]))
                t, a = ("MAPIPDL", "") if to["kind"] == "dl" else split_address(to["email"])
                same(f"member {k} one-off", one_off(off), (to["display_name"], t, a))
            else:
                t, a = split_address(m)
                same(f"member {k} ({m!r})", one_off(eid), (a, t, a))
                same(f"member {k} one-off", one_off(off), (a, t, a))
        except Bad as e:
            bad.append(f"{here}: member {k} ({m!r}): {e}")
        shown = to["display_name"] if to is not None else split_address(m)[1]
        if shown not in body:
            bad.append(f"{here}: member {m!r} is not in the body")


def check_file(db, path, mailbox, vcards):
    try:
        pst = PstFile(path)
    except (Bad, OSError) as e:
        bad.append(f"{path}: {e}")
        return
    items = db.execute("SELECT * FROM pab_entries WHERE mailbox_id=? ORDER BY id",
                       (mailbox,)).fetchall()
    f = pypff.file()
    f.open(path)
    root = f.get_root_folder()
    top = [root.get_sub_folder(i) for i in range(root.number_of_sub_folders)]
    top = [t for t in top if t.name == "Top of Personal Folders"][0]
    folders = []
    for i in range(top.number_of_sub_folders):
        sf = top.get_sub_folder(i)
        cls = pst.message(sf.identifier).props.get(0x3613, (0, None))[1]
        if cls and cls.decode("utf-16-le") == "IPF.Contact":
            folders.append(sf)
    if not items:
        if folders:
            bad.append(f"{path}: an IPF.Contact folder, but the mailbox has no address book")
        f.close()
        return
    if len(folders) != 1:
        bad.append(f"{path}: {len(folders)} IPF.Contact folders, not 1")
        f.close()
        return
    cf = folders[0]
    if cf.name not in ("Contacts", "Contacts (cc:Mail address book)"):
        bad.append(f"{path}: the contacts folder is named {cf.name!r}")
    uid = pst.message(0x21).props[0x0FF9][1]
    eid = b"\0" * 4 + uid + struct.pack("<I", cf.identifier)
    inbox = [top.get_sub_folder(i) for i in range(top.number_of_sub_folders)
             if top.get_sub_folder(i).name == "Inbox"]
    for what, nid in [("root folder", 0x122)] + [("Inbox", x.identifier) for x in inbox]:
        got = pst.message(nid).props.get(0x36D1, (0, None))[1]
        if got != eid:
            bad.append(f"{path}: the {what}'s PR_IPM_CONTACT_ENTRYID is "
                       f"{got.hex() if got else None}, not {eid.hex()}")
    if cf.number_of_sub_messages != len(items):
        bad.append(f"{path}: {cf.number_of_sub_messages} items in {cf.name}, "
                   f"the book has {len(items)}")
        f.close()
        return
    msgs = [cf.get_sub_message(k) for k in range(cf.number_of_sub_messages)]
    nid_of = {it["id"]: m.identifier for it, m in zip(items, msgs)}

    def lid(n):
        return pst.named(PSETID_ADDRESS, n)
    for it, m in zip(items, msgs):
        here = f"{path}: {cf.name}: {it['kind']} {it['id']} ({it['display_name']!r})"
        p = props(m)
        if it["kind"] == "dl":
            check_list(here, p, it, db, items, nid_of, uid, lid)
        else:
            check_contact(here, p, it, lid)
    f.close()
    if vcards is not None:
        check_vcards(path, vcards, items)


def unescape(s):
    return s.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\\\", "\\")


def check_vcards(path, top, items):
    got = []
    for d, _, files in os.walk(top):
        for name in files:
            if name != "contacts":
                continue
            card = None
            for line in open(os.path.join(d, name), encoding="utf-8"):
                line = line.rstrip("\n")
                if line == "BEGIN:VCARD":
                    card = {"FN": None, "EMAIL": None}
                elif line == "END:VCARD" and card is not None:
                    got.append((card["FN"], card["EMAIL"]))
                    card = None
                elif card is not None and ":" in line:
                    k, _, v = line.partition(":")
                    if k in card and card[k] is None:
                        card[k] = unescape(v)
    want = [(it["display_name"], split_address(it["email"])[1] if it["email"] else None)
            for it in items if it["kind"] == "entry"]
    if sorted(got) != sorted(want):
        bad.append(f"{path}: readpst's vCards {sorted(got)!r}, not {sorted(want)!r}")


def main():
    args = sys.argv[1:]
    vcards = None
    if len(args) == 6 and args[4] == "--vcards":
        vcards = args[5]
        args = args[:4]
    if len(args) != 4 or args[0] != "--store" or args[2] != "--dir":
        sys.exit("usage: " + __doc__.split("Usage: ")[1].split("\n")[0])
    db = sqlite3.connect(args[1])
    db.row_factory = sqlite3.Row
    for r in db.execute("SELECT DISTINCT r.id, r.alias FROM folders f JOIN recipients r "
                        "ON r.id=f.mailbox_id ORDER BY r.id").fetchall():
        check_file(db, os.path.join(args[3], r["alias"] + ".pst"), r["id"],
                   os.path.join(vcards, r["alias"]) if vcards else None)
    for b in bad:
        print(b)
    print(f"checked {count['contacts']} contacts, {count['lists']} lists, "
          f"{count['members']} members")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
