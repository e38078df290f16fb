# expfile.py: the byte layout of a cc:Mail message export file with counts.
#
# The hostile catalogue cuts and edits mail files at chosen places (inside
# a header, a count line, attachment data ...); this finds those places in
# a file that `ccmig gen` wrote, trusting its counts, which gen writes
# right. It is not a reader for arbitrary exports: ccmig is.
import re

ITEM = re.compile(rb"^[A-Za-z][A-Za-z ]* item:")


class Line:
    """One line: where it starts, its text (no line end), where the next begins."""

    def __init__(self, data, at):
        end = data.find(b"\n", at)
        nxt = len(data) if end < 0 else end + 1
        text_end = end if end >= 0 else len(data)
        if text_end > at and data[text_end - 1:text_end] == b"\r":
            text_end -= 1
        self.at, self.text, self.next = at, data[at:text_end], nxt


class Item:
    def __init__(self):
        self.line = self.count_line = None
        self.data_at = self.data_len = 0
        self.keyword = b""
        self.title = b""
        self.nested = None          # a Message for a Message item


class Message:
    def __init__(self):
        self.at = 0                 # the 'Message:' line
        self.count_line = None
        self.headers = []           # Line per header
        self.contents = self.contents_count = None
        self.items = []
        self.end = 0                # first byte after the message block


def _message(data, at, end):
    m = Message()
    m.at = at
    ln = Line(data, at)
    assert ln.text.startswith(b"Message:"), (at, ln.text)
    m.count_line = Line(data, ln.next)
    block = int(m.count_line.text)
    pos = m.count_line.next
    m.end = pos + block
    while True:
        ln = Line(data, pos)
        if ln.text.startswith(b"Contents:"):
            break
        m.headers.append(ln)
        pos = ln.next
    m.contents = ln
    m.contents_count = Line(data, ln.next)
    pos = m.contents_count.next
    while pos < m.end:
        ln = Line(data, pos)
        if not ln.text:
            pos = ln.next
            continue
        it = Item()
        it.line = ln
        it.keyword = ln.text.split(b":", 1)[0]
        it.title = ln.text.split(b":", 1)[1].strip()
        it.count_line = Line(data, ln.next)
        it.data_at = it.count_line.next
        it.data_len = int(it.count_line.text)
        if it.keyword == b"Message item":
            it.nested = _message(data, it.data_at, it.data_at + it.data_len)
        pos = it.data_at + it.data_len
        if data[pos:pos + 2] == b"\r\n":
            pos += 2
        elif data[pos:pos + 1] == b"\n":
            pos += 1
        m.items.append(it)
    return m


def parse(data):
    """The messages of a whole file, in order."""
    out, pos = [], 0
    while pos < len(data):
        ln = Line(data, pos)
        if not ln.text:
            pos = ln.next
            continue
        m = _message(data, pos, len(data))
        out.append(m)
        pos = m.end
    return out


def _set_count(data, line, value):
    new = b"%d" % value
    return data[:line.at] + new + data[line.at + len(line.text):], len(new) - len(line.text)


def splice(data, m, start, end, new):
    """data with bytes [start, end) of message m replaced by `new`, and the
    message's counts moved by as much, so that only what was replaced is
    wrong: the Contents: count when the range lies in the contents, and the
    Message: count (which holds the Contents: count line too) always."""
    delta = len(new) - (end - start)
    out = data[:start] + new + data[end:]
    if start > m.contents_count.at:
        out, grew = _set_count(out, m.contents_count, int(m.contents_count.text) + delta)
        delta += grew
    out, _ = _set_count(out, m.count_line, int(m.count_line.text) + delta)
    return out
