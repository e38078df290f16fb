"""maildir_read.py: an exported Maildir read back with Python's email
module, for the tests that compare two exports of one post office (with
a policy and without). Imported by the checks the tests write.
"""
import email
import email.policy
import os


def message_files(top):
    """The path of every message file under top (in cur/ and new/)."""
    for d, _, files in os.walk(top):
        if os.path.basename(d) in ("cur", "new"):
            for f in files:
                yield os.path.join(d, f)


def by_message_id(top):
    """{Message-ID: message} of every message under top, ccmig's own
    notices (X-ccmig-generated) aside."""
    out = {}
    for path in message_files(top):
        with open(path, "rb") as fh:
            m = email.message_from_binary_file(fh, policy=email.policy.default)
        if not m["X-ccmig-generated"]:
            out[m["Message-ID"]] = m
    return out


def parts(m):
    """The text, and the parts after it: attachments, forwarded messages."""
    if not m.is_multipart():
        return m, []
    ps = list(m.iter_parts())
    return ps[0], ps[1:]
