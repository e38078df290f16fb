# cases_mail.py: hostile message export files: cuts, counts, NUL bytes,
# megabyte lines and nesting, all in one user's mail file.
import re

import expfile
from catalogue import Case, HOSTILE_FILE, MIGRATE, file_re, read, write

F = file_re(HOSTILE_FILE)


def _mail(case, base):
    po = case.copy_po(base)
    path = po + "/" + HOSTILE_FILE
    return path, read(path)


def cut_points(data):
    """(label, offset) pairs: inside every kind of block, then spread."""
    ms = expfile.parse(data)
    m0, att, last = ms[0], ms[5], ms[-1]
    t0 = m0.items[0]
    f1, f2 = att.items[1], att.items[2]
    pts = [
        ("message-keyword", m0.at + 4),
        ("after-message-line", m0.count_line.at),
        ("message-count", m0.count_line.at + 1),
        ("from-header", m0.headers[0].at + 8),
        ("contents-keyword", m0.contents.at + 4),
        ("contents-count", m0.contents_count.at + 1),
        ("after-item-line", t0.count_line.at),
        ("item-count", t0.count_line.at + 1),
        ("text-data", t0.data_at + t0.data_len // 2),
        ("text-last-byte", t0.data_at + t0.data_len - 1),
        ("second-message-headers", ms[1].headers[2].at + 3),
        ("big-text", ms[2].items[0].data_at + 3000),
        ("file-item-line", f1.line.at + 15),
        ("file-item-count", f1.count_line.at + 1),
        ("macbinary-header", f1.data_at + 60),
        ("data-fork", f1.data_at + 200),
        ("between-files", f1.data_at + f1.data_len),
        ("second-file", f2.data_at + 300),
        ("file-last-byte", f2.data_at + f2.data_len - 1),
        ("last-headers", last.headers[1].at + 5),
        ("last-contents-count", last.contents_count.at + 1),
        ("last-text", last.items[0].data_at + 10),
    ]
    for k in range(1, 4):            # and three more spread evenly
        pts.append(("spread-%d" % k, len(data) * k // 4 + 7))
    return pts


def truncation(root, base):
    data = read(base + "/po/" + HOSTILE_FILE)
    for label, at in cut_points(data):
        c = Case(root, "truncate", label,
                 "pwilson's mail file cut at byte %d (%s)" % (at, label))
        path, _ = _mail(c, base)
        write(path, data[:at])
        c.step(MIGRATE, 1, [F + ".*(cut short|truncated|ends)"]).write()
    # Other files of the bundle, cut at two thirds: a bulletin board (its
    # messages are counted), the directory and an address book (neither
    # has counts: what the cut leaves incomplete is reported).
    for name, fname, expect, kw in (
            ("board", "bboards/social.exp",
             r"bboards/social\.exp:\d+ \(byte \d+\): error: message 2: the file ends "
             r".*cut short.*\[truncated\]",
             {"hostile": "(public)", "hostile_file": "bboards/social.exp"}),
            ("directory", "directory.exp",
             r"directory\.exp:\d+ \(byte \d+\): warning: .*\[incomplete-entry\]",
             {"hostile": None}),
            ("address-book", "pab/dclark-0000.exp",
             r"pab/dclark-0000\.exp:\d+: warning: personal list 'M' has no members.*"
             r"\[empty-list\]", {"hostile": None})):
        whole = read(base + "/po/" + fname)
        c = Case(root, "truncate", name, "%s cut at byte %d of %d"
                 % (fname, len(whole) * 2 // 3, len(whole)))
        write(c.copy_po(base) + "/" + fname, whole[:len(whole) * 2 // 3])
        c.step(MIGRATE, 1, [expect]).set(**kw).write()
    # A cut right between two messages: the file is a valid, shorter export.
    ms = expfile.parse(data)
    c = Case(root, "truncate", "message-boundary",
             "pwilson's mail file cut exactly between two messages")
    path, _ = _mail(c, base)
    write(path, data[:ms[3].at])
    c.step(MIGRATE, 0).write()


def _recount(data, m, line, value):
    """data with count line `line` of message m holding `value`; when the
    line lies inside m's contents, m's own counts follow its new length."""
    if line.at == m.count_line.at:
        return data[:line.at] + value + data[line.at + len(line.text):]
    if line.at == m.contents_count.at:     # only the Message: count follows
        out = data[:line.at] + value + data[line.at + len(line.text):]
        mc = m.count_line
        moved = b"%d" % (int(mc.text) + len(value) - len(line.text))
        return out[:mc.at] + moved + out[mc.at + len(mc.text):]
    return expfile.splice(data, m, line.at, line.at + len(line.text), value)


def counts(root, base):
    data = read(base + "/po/" + HOSTILE_FILE)
    att = expfile.parse(data)[5]
    where = {"message": att.count_line, "contents": att.contents_count,
             "text": att.items[0].count_line, "file": att.items[1].count_line}
    values = {"past-end": b"99999999", "negative": b"-5",
              "huge": b"99999999999999999999999999", "non-numeric": b"12x",
              "hex": b"0x100", "blank": b"   "}
    for wname, line in where.items():
        for vname, value in values.items():
            c = Case(root, "count", "%s-%s" % (wname, vname),
                     "the %s count of pwilson's 6th message is '%s'"
                     % (wname, value.decode()))
            path, _ = _mail(c, base)
            write(path, _recount(data, att, line, value))
            # A count line that is no number at all is not taken for one: it
            # is reported as the line it is.
            quoted = vname in ("non-numeric", "hex") and wname in ("message", "contents")
            c.step(MIGRATE, 1, [F + (".*line '%s'" % value.decode() if quoted
                                     else ".*count")]).write()


def message(headers, items):
    """A whole message block with right counts: headers are lines,
    items (item line, data) pairs."""
    block = b"".join(kw + b"\r\n" + b"%d\r\n" % len(d) + d + b"\r\n" for kw, d in items)
    body = b"".join(h + b"\r\n" for h in headers) + b"Contents:\r\n%d\r\n" % len(block) + block
    return b"Message:\r\n%d\r\n" % len(body) + body


def _append(data, msg):
    return data + (b"" if data.endswith(b"\n") else b"\r\n") + msg


HEAD = [b"From: Hill, Steve at SALESPO", b"Date: 3/1/99 9:00", b"To: pwilson at SALESPO"]


def _edit(root, base, group, name, what, change, status, expect, **kw):
    """A case whose mail file is change(data)."""
    c = Case(root, group, name, what)
    path, data = _mail(c, base)
    write(path, change(data))
    c.step(MIGRATE, status, expect).set(**kw).write()
    return c


def nul_bytes(root, base):
    data = read(base + "/po/" + HOSTILE_FILE)
    ms = expfile.parse(data)
    subj = [h for h in ms[0].headers if h.text.startswith(b"Subject:")][0]
    f1 = ms[5].items[1]

    def at(off, repl=b"\0", n=1):
        return lambda d: d[:off] + repl + d[off + n:]

    _edit(root, base, "nul", "subject", "a NUL byte inside a Subject: value",
          at(subj.at + 10, b"\0", 0), 1, [F + ".*NUL"])
    _edit(root, base, "nul", "header-keyword", "a NUL byte inside the keyword 'Subject:'",
          at(subj.at + 3, b"\0", 0), 1, [F + ".*NUL"])
    # "Mess\0age:" starts no message: the one before takes it in as text,
    # reported where its counts stop checking out.
    _edit(root, base, "nul", "message-keyword", "a NUL byte inside a 'Message:' line",
          at(ms[1].at + 4, b"\0", 0), 1, [F + r".*\[count-fallback\]"])
    _edit(root, base, "nul", "count", "a NUL byte inside a count line",
          at(ms[0].count_line.at + 1, b"\0", 0), 1, [F + ".*NUL"])
    _edit(root, base, "nul", "file-name", "a NUL byte inside an attachment name",
          at(f1.line.at + 14, b"\0", 0), 1, [F + ".*NUL"])
    # Counted text may hold any byte: kept whole, NUL and what follows it.
    body = b"before\0after-the-nul\r\n"
    _edit(root, base, "nul", "counted-text", "NUL bytes inside counted text data",
          lambda d: _append(d, message(HEAD + [b"Subject: nul text"],
                                       [(b"Text item:", body)])), 0, [],
          store_has=[["SELECT count(*) FROM messages WHERE instr(body, 'after-the-nul')", 1]])
    _edit(root, base, "nul", "whole-file", "a mail file of 4096 NUL bytes",
          lambda d: b"\0" * 4096, 1, [F + ".*NUL"])
    # In the other files of a bundle: the directory and the manifest.
    for name, fname, old, new in (
            ("directory", "directory.exp", b"Name: pwilson", b"Name: pwil\0son"),
            ("manifest", "po.txt", b"= mail/pwilson", b"= mail/pwil\0son")):
        c = Case(root, "nul", name, "a NUL byte inside pwilson's line of %s" % fname)
        p = c.copy_po(base) + "/" + fname
        write(p, read(p).replace(old, new, 1))
        c.step(MIGRATE, 1, [re.escape(fname) + r":\d+ \(byte \d+\): warning: 1 NUL byte\(s\) "
                            r"removed.*\[nul-byte\]"])
        c.set(hostile=None).write()


def long_lines(root, base):
    mib = 1 << 20
    data = read(base + "/po/" + HOSTILE_FILE)
    big = [("subject", b"Subject: " + b"x" * (mib + mib // 2)),
           ("to", b"To: " + b"Hill, Steve at SALESPO, " * (2 * mib // 24)),
           ("unknown-header", b"X-Junk: " + b"y" * (mib + 10))]
    for name, line in big:
        _edit(root, base, "long-line", name, "a %s header line of %d bytes" % (name, len(line)),
              lambda d, line=line: _append(d, message(HEAD + [line], [(b"Text item:", b"hi\r\n")])),
              1, [F + r".*line-too-long"])
    _edit(root, base, "long-line", "count", "a count line of 1 MiB of digits",
          lambda d: _append(d, b"Message:\r\n" + b"9" * mib + b"\r\n" +
                            message(HEAD, [(b"Text item:", b"hi\r\n")])[len(b"Message:\r\n"):]),
          1, [F + r".*line-too-long"])
    _edit(root, base, "long-line", "file-name", "an attachment name of 1.2 MiB",
          lambda d: _append(d, message(HEAD + [b"Subject: long name"],
                                       [(b"File item: " + b"A" * (mib + mib // 5), b"data")])),
          1, [F + r".*line-too-long"])
    # Glued to the last item's data, the bytes make its count wrong: the
    # item is read by delimiters, up to the end of the file.
    _edit(root, base, "long-line", "glued-to-data", "3 MiB right after the last item's data",
          lambda d: d.rstrip(b"\r\n") + b"z" * (3 * mib), 1, [F + r".*\[count-fallback\]"])
    _edit(root, base, "long-line", "junk-first", "a 3 MiB line before the first message",
          lambda d: b"z" * (3 * mib) + b"\r\n" + d, 1,
          [F + r".*3145728 byte\(s\) of text that belong to no message.*\[unexpected-text\]"])
    # A 2 MiB body line with a right count is not hostile: it is mail.
    _edit(root, base, "long-line", "counted-body", "a counted text item of one 2 MiB line",
          lambda d: _append(d, message(HEAD + [b"Subject: big body"],
                                       [(b"Text item:", b"w" * (2 * mib) + b"\r\n")])), 0, [])


def nested(depth, inner):
    """`inner` forwarded `depth` times: what message() would make of
    message() of ..., without copying the growing middle at every level."""
    heads, size = [], len(inner)
    for k in range(depth):
        kw = b"Message item: Fwd\r\n%d\r\n" % size
        block = len(kw) + size + 2
        head = b"".join(h + b"\r\n" for h in HEAD + [b"Subject: level %d" % k])
        head += b"Contents:\r\n%d\r\n" % block + kw
        whole = b"Message:\r\n%d\r\n" % (len(head) + size + 2) + head
        heads.append(whole)
        size = len(whole) + size + 2
    return b"".join(reversed(heads)) + inner + b"\r\n" * depth


def nesting(root, base):
    inner = message(HEAD + [b"Subject: innermost"], [(b"Text item:", b"deep\r\n")])
    # Extract keeps a forwarded message whole, as the bytes cc:Mail
    # exported, in a .ccm attachment: nothing reads inside it, so no
    # depth is too deep, and all of it arrives.
    # The export renders 8 levels as message/rfc822 parts, and keeps what
    # is deeper as one attachment of the export text, saying why.
    for depth in (8, 9, 100, 10000):
        size = len(nested(depth - 1, inner))
        _edit(root, base, "nesting", "depth-%d" % depth,
              "a message forwarded %d times, each inside the next" % depth,
              lambda d, depth=depth: _append(d, nested(depth, inner)), 0, [],
              store_has=[["SELECT count(*) FROM attachments WHERE name = 'Fwd.ccm' "
                          "AND size = %d" % size, 1]], export=True, nested=depth)
    # The same, with every count blank: only delimiters are left.
    blank = re.sub(rb"(?m)^\d+\r$", b" \r", nested(100, inner))
    _edit(root, base, "nesting", "depth-100-no-counts",
          "a message forwarded 100 times, every count blank",
          lambda d: _append(d, blank), 1, [F + r".*count"])
