#!/usr/bin/python3
"""lspst_check.py: lists the PST files of `ccmig export --pst` with
libpst's lspst (pst-utils: a reader that shares no code with ccmig's
writer, nor with libpff) and compares the listing with the store.

Usage: lspst_check.py --store S.db --dir DIR [--store S.db --dir DIR]...

For every mailbox's file and the public folders' (found by the message
store's name, as pst_read_check.py finds them): lspst ends with status 0
and writes nothing on stderr; the folders it lists (`Folder "NAME"`) are
the store's folders that hold a message or have one below them (lspst
does not name the others), by their last name, as many of each; the messages
it lists (`Email ... Subject: S`) are the store's messages of those
folders (forwarded ones inside them not counted), as many, with the same
subjects; the contacts it lists (`Contact NAME`) are the mailbox's
address book entries, in their folder ("Contacts", or "Contacts (cc:Mail
address book)" beside a folder of that name; lspst does not list
personal lists, nor a folder of lists only). lspst lists folders and
items depth first without saying where a folder ends, so folders,
subjects and contacts are compared as multisets.
Prints "lspst: F files, M messages" and exits 1 listing every difference.
"""
import collections
import hashlib
import os
import re
import sqlite3
import subprocess
import sys

import pst_read_check  # noqa: E402  (files_by_name, store_dirs)

bad = []
count = {"files": 0, "messages": 0}
seen = set()    # (file's SHA-256, folders, messages) already listed


def listing(path):
    """(folder names, subjects, contacts) lspst lists for the file, or None."""
    p = subprocess.run(["lspst", path], capture_output=True, stdin=subprocess.DEVNULL)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace").strip()
    if p.returncode != 0 or err:
        bad.append(f"{path}: lspst ended with {p.returncode}: {err[:300]}")
        return None
    folders, subjects, contacts, last = [], [], [], None
    for line in out.split("\n"):
        if line.startswith('Folder "') and line.endswith('"'):
            folders.append(line[len('Folder "'):-1])
        elif line.startswith("Email\t"):
            _, _, subject = line.partition("\tSubject: ")
            subjects.append(subject)
            last = subjects
        elif line.startswith("Contact\t"):
            # A name as a vCard value: ";", "," and "\" escaped.
            contacts.append(re.sub(r"\\([;,\\])", r"\1", line[len("Contact\t"):]))
            last = contacts
        elif line:
            # A subject or name with a line break in it goes on over lines.
            if last:
                last[-1] += "\n" + line
            else:
                bad.append(f"{path}: lspst: unexpected line {line!r}")
    return folders, subjects, contacts


def differ(path, what, got, want):
    g, w = collections.Counter(got), collections.Counter(want)
    if g != w:
        bad.append(f"{path}: {what}: lspst lists {sorted((g - w).elements())!r} "
                   f"the store does not have, and not {sorted((w - g).elements())!r}")


def check_file(db, path, mailbox):
    if not os.path.exists(path):
        bad.append(f"{path}: missing")
        return
    folders = db.execute("SELECT id, path FROM folders WHERE mailbox_id IS ?",
                         (mailbox,)).fetchall()
    want = [(f["path"], r[0]) for f in folders for r in db.execute(
        "SELECT subject FROM messages WHERE folder_id=? AND parent_id IS NULL", (f["id"],))]
    # A file like one listed before, for a mailbox like that one's, would
    # list the same: it is listed once.
    with open(path, "rb") as fh:
        key = (hashlib.sha256(fh.read()).digest(), tuple(f["path"] for f in folders),
               tuple(want))
    if key in seen:
        count["files"] += 1
        count["messages"] += len(want)
        return
    seen.add(key)
    got = listing(path)
    if got is None:
        return
    count["files"] += 1
    subjects = [subject or "" for _, subject in want]
    full = set()
    for path_, _ in want:
        levels = path_.split("\\")
        full.update("\\".join(levels[:k]) for k in range(1, len(levels) + 1))
    # The address book's entries, in a folder of their own.
    names = [r[0] for r in db.execute("SELECT display_name FROM pab_entries WHERE "
                                      "mailbox_id IS ? AND kind='entry'", (mailbox,))]
    top = {f["path"].lower() for f in folders if "\\" not in f["path"]}
    book = ["Contacts (cc:Mail address book)" if "contacts" in top else "Contacts"]
    # lspst names a folder once it finds a message in it or below it.
    differ(path, "folders", got[0],
           [p.split("\\")[-1] for p in full] + (book if names else []))
    differ(path, "contacts", [c.strip() for c in got[2]], [n.strip() for n in names])
    count["messages"] += len(got[1])
    if len(got[1]) != len(subjects):
        bad.append(f"{path}: lspst lists {len(got[1])} messages, the store has {len(subjects)}")
    # lspst shows a subject without the line breaks and spaces at its ends.
    differ(path, "subjects", [s.strip() for s in got[1]], [s.strip() for s in subjects])


def check_store(store, folder):
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    files = pst_read_check.files_by_name(folder)
    for r in db.execute("SELECT DISTINCT r.id, r.alias FROM folders f JOIN recipients r "
                        "ON r.id=f.mailbox_id ORDER BY r.id").fetchall():
        check_file(db, files.get(r[1], os.path.join(folder, r[1] + ".pst")), r[0])
    if db.execute("SELECT 1 FROM folders WHERE mailbox_id IS NULL").fetchone():
        check_file(db, files.get("Public Folders", os.path.join(folder, "public.pst")), None)
    db.close()


def main():
    for store, folder in pst_read_check.store_dirs(sys.argv[1:], __doc__):
        check_store(store, folder)
    for b in bad + pst_read_check.bad:
        print(b)
    print(f"lspst: {count['files']} files, {count['messages']} messages")
    sys.exit(1 if bad or pst_read_check.bad else 0)


if __name__ == "__main__":
    main()
