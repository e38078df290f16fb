# cases_bundle.py: hostile post office bundles as a whole: manifest paths
# that leave the bundle, mail files that are not files, code pages and
# time zones that do not exist or are not what they say.
import os

import cases_mail
from catalogue import Case, HOSTILE_FILE, MIGRATE, RERUN_CASE_PO, RERUN_PO, read, write

CANARY = "CANARY-OUTSIDE-THE-BUNDLE"


def _manifest(c, base, old, new):
    po = c.copy_po(base)
    text = read(po + "/po.txt")
    assert old in text, old
    write(po + "/po.txt", text.replace(old, new))
    return po


def _canary_mail(c):
    """A mail file beside the bundle, outside it, that must never be read."""
    path = c.path("canary.exp")
    write(path, cases_mail.message(cases_mail.HEAD + [b"Subject: " + CANARY.encode()],
                                   [(b"Text item:", CANARY.encode() + b"\r\n")]))
    return path


def bundle(root, base):
    line = b"Mailbox: pwilson = " + HOSTILE_FILE.encode()
    refused = r"po\.txt:\d+ \(byte \d+\): warning: file .* refused: .*\[unsafe-path\]"
    for name, target in (("dotdot", b"../canary.exp"),
                         ("dotdot-backslash", b"..\\canary.exp"),
                         ("dotdot-inside", b"mail/../../canary.exp")):
        c = Case(root, "bundle", "mailbox-" + name,
                 "the manifest names pwilson's mail file as %r" % target.decode())
        _canary_mail(c)
        _manifest(c, base, line, b"Mailbox: pwilson = " + target)
        c.step(MIGRATE, 1, [refused]).set(canary=CANARY).write()
    c = Case(root, "bundle", "mailbox-absolute",
             "the manifest names pwilson's mail file by an absolute path")
    path = _canary_mail(c)
    _manifest(c, base, line, b"Mailbox: pwilson = " + path.encode())
    c.step(MIGRATE, 1, [refused]).set(canary=CANARY).write()
    c = Case(root, "bundle", "directory-dotdot", "the manifest's directory is ../directory.exp")
    po = _manifest(c, base, b"Directory: directory.exp", b"Directory: ../directory.exp")
    write(c.path("directory.exp"), read(po + "/directory.exp"))
    c.step(MIGRATE, 2, [r"(?i)director"]).set(check="nothing").rerun(RERUN_PO).write()

    # Mail "files" that are not regular files.
    c = Case(root, "bundle", "mailbox-fifo", "pwilson's mail file is a named pipe")
    po = c.copy_po(base)
    os.remove(po + "/" + HOSTILE_FILE)
    os.mkfifo(po + "/" + HOSTILE_FILE)
    c.step(MIGRATE, 1, [r"(?m)po\.txt:13: error: .*is not a regular file.*mailbox-unreadable"],
           timeout=60).write()
    c = Case(root, "bundle", "mailbox-directory", "pwilson's mail file is a folder")
    po = c.copy_po(base)
    os.remove(po + "/" + HOSTILE_FILE)
    os.mkdir(po + "/" + HOSTILE_FILE)
    c.step(MIGRATE, 1, [r"(?m)po\.txt:13: error: .*is not a regular file.*mailbox-unreadable"]).write()
    c = Case(root, "bundle", "mailbox-missing", "pwilson's mail file does not exist")
    po = c.copy_po(base)
    os.remove(po + "/" + HOSTILE_FILE)
    c.step(MIGRATE, 1, [r"(?m)^\s*po\.txt:13: error: cannot open .*pwilson.*mailbox-unreadable"]).write()
    c = Case(root, "bundle", "mailbox-unknown-user",
             "a Mailbox: line for a user who is not in the directory")
    po = c.copy_po(base)
    write(po + "/po.txt", read(po + "/po.txt") + b"Mailbox: Nobody, Here = mail/x.exp\r\n")
    c.step(MIGRATE, 1, [r"mailbox-not-in-directory"]).set(hostile=None).write()
    c = Case(root, "bundle", "mailbox-lines-10000",
             "10000 Mailbox: lines for users who are not in the directory")
    po = c.copy_po(base)
    write(po + "/po.txt", read(po + "/po.txt") + b"".join(
        b"Mailbox: Nobody %d = mail/x%d.exp\r\n" % (i, i) for i in range(10000)))
    c.step(MIGRATE, 1, [r"mailbox-not-in-directory"]).set(hostile=None).write()

    # A body too big for memory spools to $TMPDIR, and only there.
    c = Case(root, "bundle", "tmpdir-missing",
             "TMPDIR names a folder that does not exist and a body needs spooling")
    po = c.copy_po(base)
    path = po + "/" + HOSTILE_FILE
    write(path, cases_mail._append(read(path), cases_mail.message(
        cases_mail.HEAD + [b"Subject: big"], [(b"Text item:", b"w" * (3 << 20) + b"\r\n")])))
    c.step(MIGRATE, 2, [r"temporary file.*no-such-folder"])
    c.set(check="nothing", env={"TMPDIR": "{out}/no-such-folder"})
    c.rerun(RERUN_CASE_PO, po="{po}", env={"TMPDIR": "{out}/tmp"}).write()


def code_pages(root, base):
    cp = r"(?i)code page"
    for name, value in (("unknown", b"99999"), ("word", b"abc"), ("negative", b"-850"),
                        ("wraps-to-850", b"4294968146"), ("zero", b"0"),
                        ("utf-16", b"1200"), ("ebcdic", b"37")):
        c = Case(root, "code-page", "po-" + name, "the manifest's code page is '%s'"
                 % value.decode())
        _manifest(c, base, b"Code page: 850", b"Code page: " + value)
        c.step(MIGRATE, 2, [cp]).set(check="nothing").rerun(RERUN_PO).write()
    c = Case(root, "code-page", "option-unknown", "migrate --code-page 99999")
    c.copy_po(base)
    c.step(MIGRATE + ["--code-page", "99999"], 2, [cp]).set(check="nothing")
    c.rerun(RERUN_PO).write()
    c = Case(root, "code-page", "option-word", "migrate --code-page abc")
    c.copy_po(base)
    c.step(MIGRATE + ["--code-page", "abc"], 2, [r"--code-page takes a number"]).set(
        check="nothing").rerun(RERUN_PO).write()
    tz = r"(?i)time zone"
    for name, value in (("dotdot", b"../../../../../../etc/passwd"),
                        ("absolute", b"/etc/passwd"),
                        ("unknown", b"Mars/Olympus_Mons"),
                        ("directory", b"America")):
        c = Case(root, "code-page", "zone-" + name, "the manifest's time zone is '%s'"
                 % value.decode())
        _manifest(c, base, b"Time zone: America/New_York", b"Time zone: " + value)
        c.step(MIGRATE, 2, [tz]).set(check="nothing").rerun(RERUN_PO).write()
    # A zone file of the bundle's own making, reached by climbing out of
    # the system's zone folder: never read.
    c = Case(root, "code-page", "zone-crafted", "the time zone names a crafted TZif file")
    po = c.copy_po(base)
    write(po + "/evil", b"TZif2" + b"\0" * 15 + b"\xff\xff\xff\xff" * 6 + b"\0" * 64)
    text = read(po + "/po.txt").replace(b"Time zone: America/New_York",
                                        b"Time zone: ../../../../../../.." + po.encode() + b"/evil")
    write(po + "/po.txt", text)
    c.step(MIGRATE, 2, [tz]).set(check="nothing").rerun(RERUN_PO).write()

