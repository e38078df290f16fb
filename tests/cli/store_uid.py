# store_uid.py: the names ccmig gives stored messages in Message-IDs and
# mail file names (store/messages.h: ccm_store_message_uid), computed here
# from the store's tables on their own, as a second reading of that rule:
# SHA-256 over NUL-ended fields, "source", po, owner, fingerprint, dup for
# a message with a source identity (the least, when it has several), or
# "store", meta store_uid, id for one without (or the store and id of
# messages.origin, "<store_uid>:<id>", for one merged from another store);
# a forwarded message adds the places (parent_seq) that lead down to it.
import hashlib
import re

UID = r"[0-9a-f]{32}"
FILE_NAME = re.compile(r"^ccmig-(%s)(?::2,([A-Z]*))?$" % UID)
MESSAGE_ID = re.compile(rb"^Message-ID: <ccmig\.(%s)@" % UID.encode(), re.M | re.I)


def _fields(*values):
    return b"".join((v if isinstance(v, bytes) else str(v).encode()) + b"\0" for v in values)


def uid_map(db):
    """{name: message id} of every message of sqlite3 connection db."""
    store = db.execute("SELECT value FROM meta WHERE key = 'store_uid'").fetchone()
    src = {}
    for po, owner, fp, dup, mid in db.execute(
            "SELECT po, owner, fingerprint, dup, message_id FROM source_messages "
            "WHERE message_id IS NOT NULL ORDER BY po, owner, fingerprint, dup"):
        src.setdefault(mid, (po, owner, fp, dup))
    cols = [r[1] for r in db.execute("PRAGMA table_info(messages)")]
    rows = {i: (p, s, o) for i, p, s, o in db.execute(
        "SELECT id, parent_id, parent_seq, %s FROM messages"
        % ("origin" if "origin" in cols else "NULL"))}
    out = {}
    for i in rows:
        seqs, top = [], i
        while rows[top][0]:
            seqs.append(rows[top][1])
            top = rows[top][0]
        if top in src:
            data = _fields("source", *src[top])
        elif rows[top][2]:
            data = _fields("store", *rows[top][2].rsplit(":", 1))
        else:
            data = _fields("store", store[0], top)
        data += _fields(*reversed(seqs))
        out[hashlib.sha256(data).hexdigest()[:32]] = i
    return out
