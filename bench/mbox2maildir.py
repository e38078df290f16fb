#!/usr/bin/python3
"""mbox2maildir.py: Python's mailbox module converting a tree of mbox files
to Maildirs, the baseline bench/run holds `ccmig export --maildir` to.

usage: mbox2maildir.py MBOX_DIR MAILDIR_DIR

Each MBOX_DIR/<path>.mbox becomes the Maildir MAILDIR_DIR/<path>/. Every
message is read as a mailbox.mboxMessage and added with Maildir.add(),
which turns its mbox flags into Maildir ones: the module's documented way
of converting, and what a site would write. Prints the messages converted.
"""
import mailbox
import os
import sys


def convert(src, dst):
    n = 0
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".mbox"):
                continue
            rel = os.path.relpath(os.path.join(root, name[:-5]), src)
            target = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            maildir = mailbox.Maildir(target, create=True)
            mbox = mailbox.mbox(os.path.join(root, name), create=False)
            for message in mbox:
                maildir.add(message)
                n += 1
            mbox.close()
    return n


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    print(convert(sys.argv[1], sys.argv[2]))
