# cases_set.py: hostile migration file sets: pointers that leave the set's
# folder or its files, chains that never end, packing lists that name
# files elsewhere, and hostile bytes in primary and secondary files.
import os
import re

from catalogue import (Case, HOSTILE_ADDRESS, HOSTILE_USER, IMPORT, RERUN_SET, file_re, read,
                       write)

PRI, SEC = "00000004.pri", "00000004.sec"
FIRST = b"#00000004.sec(50)"
CANARY = "CANARY-OUTSIDE-THE-SET"
COLUMNS = b"Type,Length,Encoding,Islast,Name,Position,Format\r\n"


def _case(root, base, group, name, what):
    c = Case(root, group, name, what)
    c.copy_set(base)
    c.set(check="import", copy_input=True, hostile_file=None,
          hostile_address=HOSTILE_ADDRESS, hostile_pri=PRI)
    # Beside the set, outside its folder: data no pointer may reach.
    body = CANARY.encode() + b"\r\n"
    write(c.path("canary.sec"), COLUMNS + b"Body,%d,,TRUE,,,\r\n" % len(body) + body + b"\r\n")
    write(c.path("canary.pri"), b"MAILMESSAGE,\"" + HOSTILE_ADDRESS.encode() + b"\"\r\n"
          b"Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,"
          b"Unsent,Body\r\nInbox,x,,,," + CANARY.encode() + b",,,,,," + FIRST + b"\r\n")
    c.set(canary=CANARY)
    return c


def _edit(c, name, change):
    p = c.path("set", name)
    write(p, change(read(p)))


def _out(c):
    """Where the case's input will be when it runs (out/ is a copy)."""
    return os.path.join(c.dir, "out")


def pointers(root, base):
    F = file_re(PRI)
    bad = {
        "etc-passwd": (b"#../../etc/passwd(0)", "bad-pointer"),
        "absolute": (b"#/etc/passwd(0)", "bad-pointer"),
        "canary-dotdot": (b"#../canary.sec(50)", "bad-pointer"),
        "canary-backslash": (b"#..\\canary.sec(50)", "bad-pointer"),
        "canary-drive": (b"#C:canary.sec(50)", "bad-pointer"),
        "unlisted": (b"#UNLISTED.sec(50)", "unlisted-secondary"),
        "listed-primary": (b"#Directory.pri(0)", "unlisted-secondary"),
        "packing-list": (b"#SALESPO.pkl(0)", "unlisted-secondary"),
        "past-end": (b"#00000004.sec(99999999)", "offset-out-of-range"),
        "negative": (b"#00000004.sec(-1)", "offset-out-of-range"),
        "huge": (b"#00000004.sec(99999999999999999999999)", "offset-out-of-range"),
        "mid-line": (b"#00000004.sec(55)", "offset-not-line-start"),
        "column-header": (b"#00000004.sec(0)", "bad-section-header", SEC),
        "empty-offset": (b"#00000004.sec()", "bad-pointer"),
        "word-offset": (b"#00000004.sec(abc)", "bad-pointer"),
    }
    for name, (ptr, kind, *where) in bad.items():
        c = _case(root, base, "pointer", name, "pwilson's first Body pointer is %s"
                  % ptr.decode())
        _edit(c, PRI, lambda d, ptr=ptr: d.replace(FIRST, ptr, 1))
        if name == "unlisted":          # in the folder, but not in the list
            write(c.path("set", "UNLISTED.sec"),
                  read(c.path("canary.sec")).replace(CANARY.encode(), b"UNLISTED-DATA-XXXXXXXX"))
            c.set(store_has=[["SELECT count(*) FROM messages WHERE instr(body, 'UNLISTED-DATA')",
                              0]])
        c.step(IMPORT, 1, [(file_re(where[0]) if where else F) + r".*\[%s\]" % kind]).write()
    c = _case(root, base, "pointer", "canary-absolute",
              "pwilson's first Body pointer names a file outside the set by its full path")
    ptr = b"#" + _out(c).encode() + b"/canary.sec(50)"
    _edit(c, PRI, lambda d: d.replace(FIRST, ptr, 1))
    c.step(IMPORT, 1, [F + r".*\[bad-pointer\]"]).write()


def _sections(data):
    """(header at, header end, data end) of each section of a secondary file."""
    out, pos = [], len(COLUMNS)
    while pos < len(data):
        end = data.index(b"\r\n", pos)
        length = int(data[pos:end].split(b",")[1])
        out.append((pos, end, end + 2 + length))
        pos = end + 2 + length + 2
    return out


def _header_field(data, sec, field, value):
    at, end, _ = sec
    fields = data[at:end].split(b",")
    fields[field] = value
    return data[:at] + b",".join(fields) + data[end:]


def _shift_pointers(pri, after, delta):
    def move(m):
        off = int(m.group(1))
        return b"#00000004.sec(%d)" % (off + delta if off > after else off)
    return re.sub(rb"#00000004\.sec\((\d+)\)", move, pri)


def chains(root, base):
    S = file_re(SEC)
    data = read(base + "/set/" + SEC)
    secs = _sections(data)
    last = secs[-1]
    attachments = [s for s in secs if data[s[0]:s[0] + 10] == b"Attachment"]
    c = _case(root, base, "chain", "no-islast-at-end",
              "the last section of pwilson's secondary file says Islast FALSE")
    _edit(c, SEC, lambda d: _header_field(d, last, 3, b"FALSE"))
    c.step(IMPORT, 1, [S + r".*\[chain-not-ended\]"]).write()
    # The last attachment of a message goes on into the next message.
    c = _case(root, base, "chain", "runs-into-next-message",
              "a message's last attachment says Islast FALSE: its chain runs on")
    att = attachments[-1]
    _edit(c, SEC, lambda d: _header_field(d, att, 3, b"FALSE"))
    _edit(c, PRI, lambda d: _shift_pointers(d, att[0], 1))
    c.step(IMPORT, 1, [S + r".*\[second-body\]"]).write()
    for name, value, kind in (("length-past-end", b"99999999", "length-past-end"),
                              ("length-negative", b"-5", "bad-section-header"),
                              ("length-huge", b"99999999999999999999999", "bad-section-header"),
                              ("length-word", b"12x", "bad-section-header"),
                              ("type-unknown", None, "bad-section-header")):
        c = _case(root, base, "chain", name, "the last section header of pwilson's "
                  "secondary file has %s" % (("Length " + value.decode()) if value
                                              else "an unknown Type"))
        field, v = (1, value) if value else (0, b"Evil")
        _edit(c, SEC, lambda d, field=field, v=v: _header_field(d, last, field, v))
        c.step(IMPORT, 1, [S + r".*\[%s\]" % kind]).write()
    # Cut short: inside a section's data, inside its header line, right
    # after the header, and in the middle of an attachment.
    att = attachments[-1]
    for name, at in (("cut-in-data", last[1] + 2 + 10), ("cut-in-header", last[0] + 6),
                     ("cut-after-header", last[1] + 2),
                     ("cut-in-attachment", (att[1] + att[2]) // 2)):
        c = _case(root, base, "chain", name, "pwilson's secondary file cut at byte %d (%s)"
                  % (at, name[4:]))
        _edit(c, SEC, lambda d, at=at: d[:at])
        c.step(IMPORT, 1, [S + r".*error: "]).write()
    c = _case(root, base, "chain", "empty-secondary", "pwilson's secondary file is empty")
    _edit(c, SEC, lambda d: b"")
    c.step(IMPORT, 1, [file_re(PRI) + r".*\[offset-out-of-range\]"]).write()
    c = _case(root, base, "chain", "missing-secondary", "pwilson's secondary file is missing")
    os.remove(c.path("set", SEC))
    c.step(IMPORT, 1, [r"pkl-missing-file"]).write()
    c = _case(root, base, "chain", "nul-in-header",
              "a NUL byte in a section header of pwilson's secondary file")
    _edit(c, SEC, lambda d: d[:last[0] + 2] + b"\0" + d[last[0] + 3:])
    c.step(IMPORT, 1, [S + r".*\[bad-section-header\]"]).write()
    c = _case(root, base, "chain", "header-1mib",
              "a 1 MiB section header line in pwilson's secondary file")
    _edit(c, SEC, lambda d: d[:last[0]] + b"Body," + b"9" * (1 << 20) + d[last[1]:])
    c.step(IMPORT, 1, [S + r".*\[bad-section-header\]"]).write()


def _pkl(c, change):
    _edit(c, "SALESPO.pkl", change)


def packing_lists(root, base):
    P = file_re("SALESPO.pkl")
    row = b"00000004.pri,Primary\r\n"
    for name, listed in (("dotdot", b"../canary.pri"), ("absolute", None),
                         ("backslash", b"..\\canary.pri"), ("drive", b"C:canary.pri"),
                         ("subfolder", b"sub/00000004.pri")):
        c = _case(root, base, "pkl", "path-" + name,
                  "the packing list names a primary file as %r" % (listed or b"/abs").decode())
        if listed is None:
            listed = _out(c).encode() + b"/canary.pri"
        if name == "subfolder":
            os.mkdir(c.path("set", "sub"))
            os.rename(c.path("set", PRI), c.path("set", "sub", PRI))
        _pkl(c, lambda d, listed=listed: d.replace(row, row + listed + b",Primary\r\n")
             if name != "subfolder" else d.replace(row, listed + b",Primary\r\n"))
        # Moved into a subfolder, pwilson's primary is refused whole: the
        # report names it, and no row of it can be imported or recovered.
        c.step(IMPORT, 1, [P + r".*\[pkl-path-refused\]"]).set(
            hostile=None if name != "subfolder" else HOSTILE_USER,
            hostile_refused=name == "subfolder").write()
    c = _case(root, base, "pkl", "secondary-bad-name", "the packing list names a secondary a#b.sec")
    _pkl(c, lambda d: d + b"a#b.sec,Secondary\r\n")
    c.step(IMPORT, 1, [P + r".*\[pkl-bad-name\]"]).set(hostile=None).write()
    c = _case(root, base, "pkl", "listed-fifo", "a primary file of the set is a named pipe")
    os.mkfifo(c.path("set", "00000009.pri"))
    _pkl(c, lambda d: d.replace(row, row + b"00000009.pri,Primary\r\n"))
    c.step(IMPORT, 1, [r"not a regular file"], timeout=60).set(hostile=None).write()
    c = _case(root, base, "pkl", "listed-folder", "a primary file of the set is a folder")
    os.mkdir(c.path("set", "00000009.pri"))
    _pkl(c, lambda d: d.replace(row, row + b"00000009.pri,Primary\r\n"))
    c.step(IMPORT, 1, [r"not a regular file"]).set(hostile=None).write()
    c = _case(root, base, "pkl", "listed-1000-times", "pwilson's primary is listed 1000 times")
    _pkl(c, lambda d: d.replace(row, row * 1000))
    c.step(IMPORT, 1, [P + r".*\[pkl-duplicate\]"]).set(hostile=None).write()
    c = _case(root, base, "pkl", "unknown-filetype", "pwilson's primary is listed as 'Evil'")
    _pkl(c, lambda d: d.replace(row, b"00000004.pri,Evil\r\n"))
    c.step(IMPORT, 1, [P + r".*\[pkl-unknown-filetype\]"]).set(hostile_refused=True).write()
    c = _case(root, base, "pkl", "itself-primary", "the packing list lists itself as a primary")
    _pkl(c, lambda d: d.replace(row, row + b"SALESPO.pkl,Primary\r\n"))
    c.step(IMPORT, 1, [file_re("SALESPO.pkl")]).set(hostile=None).write()
    c = _case(root, base, "pkl", "row-1mib", "a packing list line of 1 MiB")
    _pkl(c, lambda d: d + b"x" * (1 << 20) + b",Primary\r\n")
    c.step(IMPORT, 1, [P + r".*\[pkl-bad-row\]"]).set(hostile=None).write()
    c = _case(root, base, "pkl", "nul-in-row", "a NUL byte in pwilson's packing list line")
    _pkl(c, lambda d: d.replace(row, b"00000004\0.pri,Primary\r\n"))
    c.step(IMPORT, 1, [P + r".*NUL byte.*\[pkl-path-refused\]"]).set(hostile_refused=True).write()
    c = _case(root, base, "pkl", "empty", "an empty packing list")
    _pkl(c, lambda d: b"")
    c.step(IMPORT, 2, [r"(?i)code page"]).set(check="nothing").rerun(RERUN_SET).write()
    for name, value in (("unknown", b"99999"), ("word", b"abc"), ("zero", b"0"),
                        ("negative", b"-1"), ("wraps-to-1252", b"4294968548"),
                        ("utf-16", b"1200")):
        c = _case(root, base, "pkl", "code-page-" + name, "the packing list's code page is '%s'"
                  % value.decode())
        _pkl(c, lambda d, value=value: value + d[d.index(b"\r\n"):])
        c.step(IMPORT, 2, [r"(?i)code page"]).set(check="nothing").rerun(RERUN_SET).write()


def _other_pointer(c, text):
    """Appends an Other section holding `text` to pwilson's secondary file
    and returns the pointer to it."""
    p = c.path("set", SEC)
    data = read(p)
    at = len(data)
    write(p, data + b"Other,%d,,TRUE,,,\r\n" % len(text) + text + b"\r\n")
    return b"#00000004.sec(%d)" % at


def set_files(root, base):
    F = file_re(PRI)
    pri = read(base + "/set/" + PRI)
    rows = pri.split(b"\r\n")
    # The first row past the column header ("!ccmig-id" comments stand
    # before each row).
    first = next(r for r in rows[2:] if not r.startswith(b"!"))
    c = _case(root, base, "set", "nul-in-row", "a NUL byte inside pwilson's first row")
    _edit(c, PRI, lambda d: d.replace(first, first.replace(b"Dana Clark", b"Dana\0Clark", 1)))
    c.step(IMPORT, 1, [F + r".*\[nul-byte\]"], ).set(
        store_has=[["SELECT count(*) FROM messages WHERE sender_name = 'DanaClark'", 1]]).write()
    c = _case(root, base, "set", "row-2mib", "pwilson's first row holds a 2 MiB subject")
    _edit(c, PRI, lambda d: d.replace(b",,Re,", b",," + b"s" * (2 << 20) + b",", 1))
    c.step(IMPORT, 1, [F + r".*\[(line-too-long|value-too-long)\]"]).write()
    # Cut short: in the middle of the last row, inside the column header
    # line, and right after a row's pointer started.
    last_row = pri.rstrip(b"\r\n").rsplit(b"\r\n", 1)
    cuts = (("cut-mid-row", len(last_row[0]) + 2 + len(last_row[1]) // 2),
            ("cut-in-columns", pri.index(b"Folder,Sender") + 20),
            ("cut-in-pointer", pri.rindex(b"#00000004.sec(") + 6))
    for name, at in cuts:
        c = _case(root, base, "set", name, "pwilson's primary file cut at byte %d (%s)"
                  % (at, name[4:]))
        _edit(c, PRI, lambda d, at=at: d[:at])
        c.step(IMPORT, 1, [F + r".*error: "]).write()
    c = _case(root, base, "set", "unclosed-quote", "pwilson's first row opens a quote it never closes")
    _edit(c, PRI, lambda d: d.replace(b",,Re,", b",,\"Re,", 1))
    c.step(IMPORT, 1, [F + r".*\[quote-error\]"]).write()
    c = _case(root, base, "set", "continuations-100000",
              "a row continued with \\\\ over 100000 lines")
    _edit(c, PRI, lambda d: d.replace(first, first[:20] + b"\\\\\r\n" * 100000 + first[20:]))
    c.step(IMPORT, 0).write()
    c = _case(root, base, "set", "columns-100000", "pwilson's MAILMESSAGE header line has 100000 columns")
    _edit(c, PRI, lambda d: d.replace(b"Unsent,Body", b"Unsent,Body" + b",X" * 100000, 1))
    c.step(IMPORT, 0, [F + r".*\[unknown-column\]"]).write()
    # A subject that holds a line end (from an Other section) must not
    # become a header of its own when the message is exported.
    c = _case(root, base, "set", "subject-header-injection",
              "a subject with a line end and a Bcc: header after it")
    ptr = _other_pointer(c, b"hi\r\nBcc: evil@example.com\r\n\r\ninjected body")
    _edit(c, PRI, lambda d: d.replace(b",,Re,", b",," + ptr + b",", 1))
    c.step(IMPORT, 0).set(export=True, names=[],
                          no_header=["Bcc: evil@example.com"]).write()
