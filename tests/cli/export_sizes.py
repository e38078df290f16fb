"""export_sizes.py: an export made with a size limit checked against the
store, the report and an export of the same store made without one.

    export_sizes.py STORE REFERENCE_MAILDIR REPORT LIMIT (maildir|mbox) DIR [--split]

DIR (a Maildir tree, a Dovecot's as well as ccmig's, or an mbox tree) must
hold every message of REFERENCE_MAILDIR whose size as sent (CRLF line
ends: the file's bytes and one more per line) is at most LIMIT, byte for
byte, and the report must list each larger one as a decision with its size
and the limit. Without --split those are absent; with it each is either
left out (listed so) or present with its largest attachments replaced by
notes: under the limit, the header X-ccmig-Attachments-Removed naming the
places, a note part at each, every other part as the store holds it
(SHA-256 of the content) and as the reference has it. Prints "sizes ok:
N fit, L left out, S split" or the differences, exit 1.
"""
import email
import email.policy
import hashlib
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import maildir_read  # noqa: E402
import store_uid  # noqa: E402

NOTE = "was removed by option '--split-attachments'"
HEADER = "X-ccmig-Attachments-Removed"
problems = []


def bad(msg):
    problems.append(msg)


def uid_of(data):
    m = store_uid.MESSAGE_ID.search(data)
    return m.group(1).decode() if m else None


def read_maildir(top):
    out = {}
    for path in maildir_read.message_files(top):
        with open(path, "rb") as fh:
            # A server may keep CRLF where ccmig writes LF.
            data = fh.read().replace(b"\r\n", b"\n")
        u = uid_of(data)
        if u:
            out[u] = data
    return out


def read_mbox(top):
    """Each message of every .mbox file, as the Maildir has it: the From
    line, the flags and the blank line after it gone, mboxrd unquoted."""
    out = {}
    for d, _, files in os.walk(top):
        for f in files:
            if not f.endswith(".mbox"):
                continue
            with open(os.path.join(d, f), "rb") as fh:
                data = fh.read()
            # Each message is followed by a blank line.
            for chunk in re.split(rb"^From [^\n]*\n", data, flags=re.M)[1:]:
                lines = chunk[:-1].split(b"\n")
                while lines and re.match(rb"(X-)?Status: ", lines[0]):
                    lines.pop(0)
                lines = [ln[1:] if re.match(rb">+From ", ln) else ln for ln in lines]
                msg = b"\n".join(lines)
                u = uid_of(msg)
                if u:
                    out[u] = msg
    return out


def sent_size(data):
    return len(data) + data.count(b"\n")


def read_report(path):
    """{uid: (kind, whole size, limit, line)} of the size decisions."""
    out = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = re.search(r"message <ccmig\.([0-9a-f]{32})@[^>]*> of (\d+) bytes is "
                          r"over the limit of (\d+) bytes .*\[(size-left-out|size-split)\]$",
                          line.rstrip("\n"))
            if m:
                if m.group(1) in out:
                    bad("the report lists %s twice" % m.group(1))
                out[m.group(1)] = (m.group(4), int(m.group(2)), int(m.group(3)), line)
    return out


def store_parts(db, msg):
    """The parts of stored message msg after its text, in their order:
    ("fwd", seq, id) for a forwarded message, ("att", seq, name, size,
    sha256) for an attachment; a forwarded message stands for the
    attachment of its seq."""
    fwd = {s: i for i, s in db.execute(
        "SELECT id, parent_seq FROM messages WHERE parent_id = ?", (msg,))}
    atts = {s: ("att", s, n, z, h) for s, n, z, h in db.execute(
        "SELECT a.seq, a.name, a.size, b.sha256 FROM attachments a "
        "JOIN blobs b ON b.id = a.blob_id WHERE a.message_id = ?", (msg,))}
    return [("fwd", s, fwd[s]) if s in fwd else atts[s]
            for s in sorted(set(fwd) | set(atts))]


def walk(db, got, ref, msg, prefix, removed, replaced, kept):
    """Compares the parts of `got` (the split export) with `ref` and the
    store, message `msg` at place `prefix`."""
    gp = list(got.iter_parts())[1:] if got.is_multipart() else []
    rp = list(ref.iter_parts())[1:] if ref.is_multipart() else []
    sp = store_parts(db, msg)
    if not (len(gp) == len(rp) == len(sp)):
        bad("message %d: %d parts, the reference %d, the store %d"
            % (msg, len(gp), len(rp), len(sp)))
        return
    for g, r, s in zip(gp, rp, sp):
        path = "%s%s%d" % (prefix, "." if prefix else "", s[1])
        if s[0] == "fwd":
            walk(db, g.get_payload()[0], r.get_payload()[0], s[2], path, removed,
                 replaced, kept)
            continue
        if path in removed:
            text = g.get_content() if g.get_content_type() == "text/plain" else ""
            if NOTE not in text or ("'%s'" % s[2]) not in text:
                bad("message %d: part %s is no note for '%s': %r" % (msg, path, s[2],
                                                                    text[:200]))
            replaced.append(s[3])
            continue
        content = g.get_payload(decode=True) or b""
        if content != (r.get_payload(decode=True) or b""):
            bad("message %d: part %s differs from the reference" % (msg, path))
        if hashlib.sha256(content).digest() != s[4]:
            bad("message %d: part %s is not the store's content" % (msg, path))
        kept.append(s[3])


def check_split(db, uid, msg, data, ref, limit):
    got = email.message_from_bytes(data, policy=email.policy.default)
    want = email.message_from_bytes(ref, policy=email.policy.default)
    if sent_size(data) > limit:
        bad("%s: %d bytes, over the limit %d" % (uid, sent_size(data), limit))
    heads = [h for h in got.get_all(HEADER) or [] if "(option:" in h]
    m = re.fullmatch(r"([\d.]+(?:, [\d.]+)*) \(option:--split-attachments\)",
                     heads[0] if len(heads) == 1 else "")
    if not m:
        bad("%s: %s is %r" % (uid, HEADER, heads))
        return
    if got["Message-ID"] != want["Message-ID"] or got["Subject"] != want["Subject"]:
        bad("%s: Message-ID or Subject changed" % uid)
    removed = m.group(1).split(", ")
    replaced, kept = [], []
    walk(db, got, want, msg, "", set(removed), replaced, kept)
    if len(replaced) != len(removed):
        bad("%s: %d notes for %d places named" % (uid, len(replaced), len(removed)))
    if replaced and kept and min(replaced) < max(kept):
        bad("%s: an attachment of %d bytes replaced, one of %d kept"
            % (uid, min(replaced), max(kept)))


def main():
    store, refdir, report, limit, kind, top = sys.argv[1:7]
    split = "--split" in sys.argv[7:]
    limit = int(limit)
    db = sqlite3.connect(store)
    ids = store_uid.uid_map(db)
    ref = read_maildir(refdir)
    got = read_maildir(top) if kind == "maildir" else read_mbox(top)
    said = read_report(report)
    over = {u for u, d in ref.items() if sent_size(d) > limit}
    n_left = n_split = 0
    for u, d in sorted(ref.items()):
        size = sent_size(d)
        if u not in over:
            if got.get(u) != d:
                bad("%s (%d bytes, under the limit): %s" % (
                    u, size, "missing" if u not in got else "not as the reference"))
            if u in said:
                bad("%s is under the limit, yet in the report" % u)
            continue
        k = said.get(u)
        if not k:
            bad("%s (%d bytes, over the limit) is not in the report" % (u, size))
            continue
        if k[1] != size or k[2] != limit:
            bad("%s: the report says %d bytes, limit %d; it is %d, limit %d"
                % (u, k[1], k[2], size, limit))
        if k[0] == "size-left-out":
            n_left += 1
            if u in got:
                bad("%s is left out, says the report, yet written" % u)
        elif not split:
            bad("%s split without --split-attachments" % u)
        elif u not in got:
            bad("%s is split, says the report, yet missing" % u)
        else:
            n_split += 1
            check_split(db, u, ids[u], got[u], d, limit)
    for u in set(got) - set(ref):
        bad("%s is written but not in the reference" % u)
    for u in set(said) - over:
        bad("the report lists %s, which fits" % u)
    for p in problems[:30]:
        print(p)
    if problems:
        sys.exit(1)
    print("sizes ok: %d fit, %d left out, %d split" % (len(ref) - len(over), n_left,
                                                        n_split))


main()
