#!/usr/bin/env python3
"""big_body.py: one message with a huge text item, and the check that it arrived.

    big_body.py add PO_DIR SIZE     appends to the first mail file of a bundle
                                    `ccmig gen` wrote one message whose single
                                    Text item holds SIZE bytes; prints the
                                    SHA-256 of the text the message should
                                    read back as (UTF-8, one LF a line end, as
                                    a Maildir keeps lines) and its length
    big_body.py check MAILDIR SUBJECT
                                    finds the one message of the Maildir with
                                    that subject and prints the SHA-256 and
                                    length of its body, decoded by Python's
                                    email package (line ends LF)

The text is in the bundle's code page (850): ASCII lines, each numbered so
that a piece lost, doubled or moved changes the digest, some letters that
are not ASCII (the body must be converted, and is then quoted-printable),
and now and then a line far longer than a mail line.
"""
import email
import email.policy
import hashlib
import os
import re
import sys

SUBJECT = "Big body"


def text_of(size):
    """SIZE bytes of code page 850 text ending in CR LF (SIZE >= 2)."""
    out, n, i = [], 0, 0
    while n < size:
        if i % 997 == 0:
            line = b"%08d long " % i + b"x" * 5000
        else:
            line = b"%08d r\x82sum\x82 na\x8bve \x81ber Stra\xe1e %d" % (i, i * 7919 % 100003)
        line += b"\r\n"
        out.append(line)
        n += len(line)
        i += 1
    data = b"".join(out)
    # Cut to SIZE, still ending in a line end: the renderer ends every
    # line with one, and the digest compares the text as it should be.
    data = data[:size - 2]
    if data.endswith(b"\r"):
        data = data[:-1] + b"."
    return data + b"\r\n"


def add(po, size):
    manifest = open(os.path.join(po, "po.txt"), "rb").read().decode("cp850")
    cp = re.search(r"(?im)^Code page:\s*(\d+)", manifest).group(1)
    assert cp == "850", "the bundle must be in code page 850, not " + cp
    rel = re.search(r"(?im)^Mailbox:[^=]*=\s*(\S+)", manifest).group(1)
    owner = re.search(r"(?im)^Mailbox:\s*([^=]*?)\s*=", manifest).group(1)
    data = text_of(size)
    item = b"Text item:\r\n%d\r\n" % len(data) + data + b"\r\n"
    contents = b"Contents:\r\n%d\r\n" % len(item) + item
    block = (b"From: " + owner.encode("cp850") + b"\r\nDate: 3/4/99 10:15\r\n"
             b"Subject: " + SUBJECT.encode() + b"\r\n" + contents)
    with open(os.path.join(po, rel), "r+b") as f:
        # A last block need not end in a line end (Q184391); ours starts a line.
        if f.seek(0, os.SEEK_END) and (f.seek(-1, os.SEEK_END), f.read(1))[1] != b"\n":
            f.write(b"\r\n")
        f.write(b"Message:\r\n%d\r\n" % len(block) + block)
    text = data.decode("cp850").encode("utf-8").replace(b"\r\n", b"\n")
    print(hashlib.sha256(text).hexdigest(), len(text))


def check(maildir, subject):
    found = []
    for d, _, files in os.walk(maildir):
        if os.path.basename(d) not in ("cur", "new"):
            continue
        for name in files:
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                # Headers first: most messages are small, one is not.
                top = f.read(65536)
            if not re.search(rb"(?m)^Subject: " + re.escape(subject.encode()) + rb"\r?$",
                             top):
                continue
            with open(p, "rb") as f:
                found.append(email.message_from_binary_file(f, policy=email.policy.compat32))
    if len(found) != 1:
        print("%d messages with subject %r, wanted 1" % (len(found), subject))
        return 1
    m = found[0]
    part = m if not m.is_multipart() else next(
        p for p in m.walk() if p.get_content_type() == "text/plain")
    body = part.get_payload(decode=True).replace(b"\r\n", b"\n")
    print(hashlib.sha256(body).hexdigest(), len(body))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "add":
        add(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit("usage: big_body.py add PO_DIR SIZE | check MAILDIR SUBJECT")
