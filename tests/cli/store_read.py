"""store_read.py: what a ccmig store holds, read with sqlite3, for the tests
that check exported mail in real servers and clients (core/store/schema.c,
docs/store.md). Imported by the helpers next to it.
"""
import sqlite3

# The names `ccmig export --maildir` gives the well-known folders (README,
# "ccmig export"); the Inbox is the Maildir's root.
WELL_KNOWN = {"inbox": [], "sent": ["Sent"], "deleted": ["Trash"],
              "drafts": ["Drafts"], "outbox": ["Outbox"]}


def open_store(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    db.row_factory = sqlite3.Row
    return db


def mailboxes(db):
    """Every mailbox: rows of id, alias, display_name."""
    return db.execute("SELECT id, alias, display_name FROM recipients "
                      "WHERE kind = 'mailbox' ORDER BY id").fetchall()


def folders(db, mailbox_id):
    """The folders of a mailbox, or the public folders (mailbox_id None)."""
    return db.execute("SELECT id, path, special FROM folders "
                      "WHERE mailbox_id IS ? ORDER BY id", (mailbox_id,)).fetchall()


def levels(folder):
    """A folder's names level by level as exported: the well-known folders
    by their Maildir++ names, others by their path split at '\\', with '.'
    and '/' (separators on disk and in IMAP) as '_'."""
    if folder["special"]:
        return WELL_KNOWN[folder["special"]]
    return [n.replace(".", "_").replace("/", "_") for n in folder["path"].split("\\")]


def messages(db, folder_id):
    """The messages of a folder, by id."""
    return db.execute("SELECT id, subject, is_read, is_unsent, body FROM messages "
                      "WHERE folder_id = ? AND parent_id IS NULL ORDER BY id",
                      (folder_id,)).fetchall()


def attachments(db, message_id):
    """A message's attachments in order: (name, bytes, kind) triples."""
    out = []
    for a in db.execute("SELECT name, blob_id, kind FROM attachments WHERE message_id = ? "
                        "ORDER BY seq", (message_id,)).fetchall():
        data = b"".join(p[0] for p in db.execute(
            "SELECT data FROM blob_parts WHERE blob_id = ? ORDER BY seq", (a["blob_id"],)))
        out.append((a["name"], data, a["kind"]))
    return out


def macbinary_forks(kind, data):
    """(data fork, resource fork) of an attachment the store keeps as a
    MacBinary II file (kind 'macbinary') with a sound header, else None:
    exports give users the forks, not the wrapper (docs/render.md)."""
    if kind != "macbinary" or len(data) < 128:
        return None
    h = data[:128]
    if h[0] != 0 or not 1 <= h[1] <= 63 or h[74] != 0 or h[82] != 0:
        return None
    dlen = int.from_bytes(h[83:87], "big")
    rlen = int.from_bytes(h[87:91], "big")
    rstart = 128 + ((dlen + 127) & ~127)
    if rstart + rlen > len(data):
        return None
    return data[128:128 + dlen], data[rstart:rstart + rlen]


def expected_file(kind, data):
    """What an export gives for a stored attachment: (file bytes, resource
    fork or None when the file goes without an AppleDouble header)."""
    forks = macbinary_forks(kind, data)
    if forks is None:
        return data, None
    return forks[0], (forks[1] or None)


def exported_file(part):
    """(the part holding the file, resource fork or None) of an exported
    attachment: multipart/appledouble gives its second part and the
    resource fork entry (id 2) of its application/applefile header."""
    if part.get_content_type() != "multipart/appledouble":
        return part, None
    header, datap = list(part.iter_parts())[:2]
    raw = header.get_payload(decode=True) or b""
    rsrc = b""
    for i in range(int.from_bytes(raw[24:26], "big")):
        e = raw[26 + 12 * i:38 + 12 * i]
        eid, off, ln = (int.from_bytes(e[k:k + 4], "big") for k in (0, 4, 8))
        if eid == 2:
            rsrc = raw[off:off + ln]
    return datap, rsrc
def is_forwarded(name, data):
    """Whether an attachment is a forwarded message: named ".ccm" and holding
    cc:Mail export text that starts with "Message:" (docs/render.md)."""
    return (len(name) > 4 and name.lower().endswith(".ccm")
            and data.lstrip(b"\r\n \t")[:8].lower() == b"message:")


def exported_name(name, data):
    """The name an attachment is exported under: a forwarded message is an
    attached message "<title>.eml"; any other keeps its name."""
    return name[:-4] + ".eml" if is_forwarded(name, data) else name
