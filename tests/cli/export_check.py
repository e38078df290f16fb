#!/usr/bin/env python3
"""export_check.py: every message `ccmig export` wrote, read back with Python's
email and mailbox modules and compared with the store it came from.

    export_check.py --store S.db (--maildir DIR | --mbox DIR) --time-zone Z --po PO_DIR

For each message of the store there must be exactly one exported message
(its Message-ID names the store's id), in the place of its folder, holding
the same sender, recipients, subject, date, priority, extra headers, body
text and attachments (name and every byte), and, in a Maildir, the same
flags. A forwarded message (an attachment "<title>.ccm" of cc:Mail export
text) must come back as a message/rfc822 part whose content matches that
text as this file reads it, following docs/render.md and the grammar of
spec/ccmail-export.md, independently of ccmig's own reader. The bundle's
po.txt gives the code page and the other settings the text was written
in. Every difference is printed with the mailbox, folder and message id;
the exit status is 1 when there is any.
"""
import argparse
import calendar
import datetime
import email
import email.policy
import email.utils
import mailbox
import os
import re
import sqlite3
import sys
import zoneinfo

from store_uid import FILE_NAME, MESSAGE_ID, uid_map
from store_read import expected_file, exported_file, exported_name, is_forwarded

POLICY = email.policy.default
MAX_DEPTH = 8          # docs/render.md: forwarded messages rendered 8 deep


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append("%s: %s" % (where, what))


# ---- the rules of docs/render.md ------------------------------------------

def clean(text):
    """Header text as written: control characters become spaces."""
    return "".join(" " if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text or "")


LATIN1_BASE = "AAAAAAACEEEEIIIIDNOOOOO_OUUUUYTsaaaaaaaceeeeiiiidnooooo_ouuuuyty"


def token(text, sep):
    out, pending = [], False
    for c in text:
        cp = ord(c)
        keep = None
        if c.isascii() and (c.isalnum() or c == "-"):
            keep = c
        elif cp == 0xDF:
            keep = "ss"
        elif 0xC0 <= cp <= 0xFF and LATIN1_BASE[cp - 0xC0] != "_":
            keep = LATIN1_BASE[cp - 0xC0]
        if keep:
            if pending and out:
                out.append(sep)
            out.append(keep)
            pending = False
        else:
            pending = True
    return "".join(out) or "unknown"


def simple_addr_spec(a):
    if a.count("@") != 1:
        return False
    local, dom = a.split("@")
    if not local or not dom:
        return False
    return all(0x20 < ord(c) < 0x7F and c not in '<>()[]\\,;:"' for c in a)


def is_smtp(address):
    return bool(address) and address[:5].upper() == "SMTP:" and simple_addr_spec(address[5:])


def last_at(s):
    r = -1
    for i in range(len(s) - 3):
        if s[i] == " " and s[i + 1] in "aA" and s[i + 2] in "tT" and s[i + 3] == " ":
            r = i
    return r


def addr_spec(display, address, po):
    if is_smtp(address):
        return address[5:]
    if not address:
        local, dom = display or "", po
    else:
        colon = address.find(":")
        if colon < 0 or address[:colon].upper() == "CCMAIL":
            name = address[colon + 1:]
            at = last_at(name)
            local, dom = (name[:at], name[at + 4:]) if at >= 0 else (name, po)
        else:
            local, dom = address[colon + 1:], address[:colon]
    return "%s@%s.ccmail.invalid" % (token(local, "_"), token(dom, "-"))


def expect_mailbox(display, address, po):
    return (clean(display).strip(" "), addr_spec(display, address, po))


def original(display, address):
    text = (display or "") + (" " if display and address else "")
    return clean(text + ("[%s]" % address if address else ""))


def norm_lines(text):
    """A body as rendered: every line ended by one line end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text


def extra_name(name):
    n = "".join(c if 32 < ord(c) < 127 and c != ":" else "-" for c in name) or "Header"
    return n if name[:2].upper() == "X-" else "X-CCMail-" + n


# ---- cc:Mail export text (spec/ccmail-export.md), for forwarded messages ----

class Settings:
    def __init__(self, po_txt):
        self.code_page, self.order, self.enc = 437, "MDY", "MACBIN2"
        self.item_sizes, self.zone, self.name = False, "UTC", ""
        for raw in open(po_txt, "rb").read().decode("latin-1").splitlines():
            if raw.startswith(";") or ":" not in raw:
                continue
            k, v = raw.split(":", 1)
            k = " ".join(k.split()).lower()
            v = re.sub(r"(^|\s);.*$", "", v).strip()
            if k == "code page":
                self.code_page = int(v.upper().replace("CP", ""))
            elif k == "date order":
                self.order = v.upper()
            elif k == "attachments":
                self.enc = v.upper()
            elif k == "item sizes":
                self.item_sizes = v.lower() in ("yes", "y", "true", "on", "1")
            elif k == "time zone":
                self.zone = v
            elif k == "post office":
                self.name = v
        self.tz = zoneinfo.ZoneInfo(self.zone)

    def text(self, b):
        return b.decode("cp%d" % self.code_page, "replace")


def lines_of(data, pos, end):
    """(start, content_end, next) of each line from pos to end."""
    while pos < end:
        nl = data.find(b"\n", pos, end)
        if nl < 0:
            yield pos, end, end
            return
        ce = nl - 1 if nl > pos and data[nl - 1:nl] == b"\r" else nl
        yield pos, ce, nl + 1
        pos = nl + 1


ITEM_RE = re.compile(rb"^([A-Za-z ]{0,34}?\bitem):[ \t]*(.*)$", re.I)


def item_line(line):
    m = ITEM_RE.match(line)
    if not m or len(m.group(1)) < 5:
        return None
    return m.group(1), m.group(2).strip()


def is_kw(line, kw):
    return line[:len(kw)].lower() == kw.lower()


def parse_ccm(data, st):
    """One message block: headers (in order), items (keyword, title, data)."""
    end = len(data)
    pos = 0
    it = lines_of(data, 0, end)
    s, ce, nx = next(it)
    while s < end and not data[s:ce].strip():
        s, ce, nx = next(it)
    assert is_kw(data[s:ce], b"Message:"), data[:40]
    pos = nx
    rest = data[s + 8:ce].strip()
    if not rest and st.item_sizes:
        # the count line after "Message:"
        s, ce, nx = next(lines_of(data, pos, end))
        if data[s:ce].strip().isdigit():
            pos = nx
    headers = []
    while pos < end:
        s, ce, nx = next(lines_of(data, pos, end))
        line = data[s:ce]
        pos = nx
        if is_kw(line, b"Contents:"):
            if not line[9:].strip() and st.item_sizes:
                s, ce, nx = next(lines_of(data, pos, end))
                if data[s:ce].strip().isdigit():
                    pos = nx
            break
        if b":" in line:
            k, v = line.split(b":", 1)
            headers.append((st.text(k.strip()), st.text(v.strip())))
    items = []
    while pos < end:
        s, ce, nx = next(lines_of(data, pos, end))
        line = data[s:ce]
        if not line.strip():
            pos = nx
            continue
        il = item_line(line)
        assert il, (line, data[:80])
        kw, title = il
        pos = nx
        count = None
        if st.item_sizes:
            s, ce, nx = next(lines_of(data, pos, end))
            if data[s:ce].strip().isdigit():
                count = int(data[s:ce].strip())
                pos = nx
        if count is not None:
            body = data[pos:pos + count]
            pos += count
            if data[pos:pos + 2] == b"\r\n":
                pos += 2
            elif data[pos:pos + 1] == b"\n":
                pos += 1
        else:
            # By delimiters: a forwarded message runs to the end (it is
            # the last item without counts); text to the next item line.
            stop = end
            if kw.lower() != b"message item":
                for ls, lce, lnx in lines_of(data, pos, end):
                    if item_line(data[ls:lce]) or is_kw(data[ls:lce], b"Message:") \
                            or is_kw(data[ls:lce], b"Contents:"):
                        stop = ls
                        break
            body = data[pos:stop]
            if body.endswith(b"\r\n"):
                body = body[:-2]
            elif body.endswith(b"\n"):
                body = body[:-1]
            pos = stop
        items.append((st.text(kw), st.text(title), body))
    return headers, items


HEX_RE = re.compile(rb"[0-9A-Fa-f]{2}")


def file_bytes(data, st):
    if st.enc == "HEX":
        return bytes(int(h, 16) for h in HEX_RE.findall(b"".join(data.split())))
    return data     # RAW; MacBinary is rendered whole, as the store keeps it


DATE_RE = re.compile(r"^\s*(\d{1,4})[/-](\d{1,2})[/-](\d{1,4})"
                     r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*$")


def parse_date(text, st):
    """UTC seconds of a cc:Mail date (spec 2.5), or None when it is not one."""
    m = DATE_RE.match(text)
    if not m:
        return None
    a, b, c = (int(x) for x in m.group(1, 2, 3))
    y, mo, d = {"MDY": (c, a, b), "DMY": (c, b, a), "YMD": (a, b, c)}[st.order]
    ylen = len(m.group(3) if st.order != "YMD" else m.group(1))
    if ylen <= 2:
        y += 2000 if y < 70 else 1900
    h = int(m.group(4) or 0)
    mi = int(m.group(5) or 0)
    se = int(m.group(6) or 0)
    if m.group(7):
        if h < 1 or h > 12:
            return None
        h = h % 12 + (12 if m.group(7).lower() == "pm" else 0)
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 23 and mi <= 59 and se <= 59):
        return None
    d = min(d, calendar.monthrange(y, mo)[1])
    local = datetime.datetime(y, mo, d, h, mi, se, tzinfo=st.tz, fold=0)
    return int(local.timestamp())


TITLE_DATE_RE = re.compile(r"^(.*?)\s+(\S+(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?)\s*$")


def file_name(title, st):
    m = TITLE_DATE_RE.match(title)
    if m and m.group(1) and parse_date(m.group(2), st) is not None:
        return m.group(1).rstrip()
    return title


# Addresses (spec 2.6) as ccmig's reader reads them with no directory.

def balanced(s):
    d = 0
    for c in s:
        if c in "[{":
            d += 1
        elif c in "]}" and d:
            d -= 1
    return d == 0


def opener(s):
    d = 0
    for i in range(len(s) - 1, -1, -1):
        if s[i] in "]}":
            d += 1
        elif s[i] in "[{":
            d -= 1
            if d == 0:
                return i
    return -1


def at_of(s, br):
    found, d = -1, 0
    for i, c in enumerate(s):
        if br and c in "[{":
            d += 1
            continue
        if br and c in "]}":
            d = max(0, d - 1)
            continue
        if d or c.lower() != "a" or len(s) - i < 4 or s[i + 1].lower() != "t" \
                or not s[i + 2].isspace() or (i > 0 and not s[i - 1].isspace()):
            continue
        if s[i + 3:].strip():
            found = i
    return found


def parse_addr(raw, home_po, sender_po):
    """(display, TYPE:address, post office) of a forwarded message's address,
    as ccmig reads it with no directory."""
    body = raw.strip()
    br = balanced(body)
    ext = None
    if br and body.endswith("}") and opener(body) >= 0 and body[opener(body)] == "{":
        o = opener(body)
        ext, body = body[o + 1:-1].strip(), body[:o].strip()
    at = at_of(body, br)
    name, po = (body[:at].strip(), body[at + 2:].strip()) if at >= 0 else (body, None)
    kind, ftype, faddr = "user", None, None
    if ext is not None:
        kind = "extended"
    elif br and name.endswith("]") and opener(name) >= 0 and name[opener(name)] == "[":
        o = opener(name)
        inside, name = name[o + 1:-1].strip(), name[:o].strip()
        kind = "foreign"
        if ":" in inside:
            ftype, inside = inside.split(":", 1)
            ftype, inside = ftype.strip(), inside.strip()
        faddr = inside
    elif name[:1] in ("#", "~"):
        kind = "board" if name[0] == "#" else "system"
        name = name[1:].strip()
    elif "@" in name:
        kind = "smtp"
    if po is None and ((kind == "user" and raw.strip()) or kind in ("board", "system")):
        po = sender_po or home_po
    if kind == "smtp":
        return name, "SMTP:" + name, po
    if kind == "foreign" and ftype and faddr:
        return name or faddr, "%s:%s" % (ftype, faddr), po
    whole = raw.strip()
    if not name or kind == "extended":
        return name or whole, "CCMAIL:" + whole, po
    prefix = {"board": "#", "system": "~"}.get(kind, "")
    return prefix + name, "CCMAIL:%s%s%s" % (prefix, name, " at " + po if po else ""), po


def split_list(value):
    """An address list cut as ccmig's reader cuts it with no directory."""
    br = balanced(value)
    pieces, d, start = [], 0, 0
    for i, c in enumerate(value + ","):
        if i < len(value) and br and c in "[{":
            d += 1
        elif i < len(value) and br and c in "]}" and d:
            d -= 1
        if i < len(value) and (c != "," or d):
            continue
        pieces.append(value[start:i].strip())
        start = i + 1

    def structural(p):
        return at_of(p, br) >= 0 or (br and p[-1:] in ("]", "}") and opener(p) >= 0)

    def starts(p):
        at = at_of(p, br)
        name = p[:at].strip() if at >= 0 else p
        return bool(name) and (name[0] in "#~[" or (" " not in name and "\t" not in name
                                                    and "@" in name))

    out, group = [], []
    for p in pieces + [""]:
        if p:
            group.append(p)
            continue
        i = 0
        while i < len(group):
            if starts(group[i]):
                out.append(group[i])
                i += 1
                continue
            end = i
            while end < len(group) - 1 and not structural(group[end]):
                if starts(group[end + 1]):
                    break
                end += 1
            out.append(", ".join(group[i:end + 1]))
            i = end + 1
        group = []
    return out


# ---- comparing -------------------------------------------------------------

def header_text(m, name):
    h = m[name]
    return None if h is None else str(h)


def check_mailboxes(pb, where, m, name, want):
    h = m[name]
    if not want:
        if h is not None:
            pb.add(where, "%s: %r where none was expected" % (name, str(h)))
        return
    if h is None:
        pb.add(where, "%s missing, expected %r" % (name, want))
        return
    got = [(a.display_name, a.addr_spec) for a in h.addresses]
    if got != want:
        pb.add(where, "%s: got %r, expected %r" % (name, got, want))


def check_date(pb, where, m, name, utc, tz):
    h = m[name]
    if utc is None:
        if h is not None:
            pb.add(where, "%s %r on a message without one" % (name, str(h)))
        return
    try:
        dt = email.utils.parsedate_to_datetime(str(h)) if h is not None else None
    except (TypeError, ValueError):
        dt = None
    if dt is None:
        pb.add(where, "%s missing or unreadable, expected %d" % (name, utc))
        return
    want_off = datetime.datetime.fromtimestamp(utc, tz).utcoffset()
    if int(dt.timestamp()) != utc or dt.utcoffset() != want_off:
        pb.add(where, "%s %s, expected %s" % (name, dt.isoformat(),
                                              datetime.datetime.fromtimestamp(utc, tz).isoformat()))


def check_common(pb, where, m, head, tz):
    """The header block of docs/render.md, from store or forwarded text."""
    if m.defects:
        pb.add(where, "defects %r" % m.defects)
    check_mailboxes(pb, where, m, "From", [head["from"]])
    check_mailboxes(pb, where, m, "To", head["to"])
    check_mailboxes(pb, where, m, "Cc", head["cc"])
    # Blind copies show on the sender's own copy only (docs/render.md).
    check_mailboxes(pb, where, m, "Bcc", head.get("bcc", []))
    for name in ("X-CCMail-From", "X-CCMail-To", "X-CCMail-Cc", "X-CCMail-Bcc"):
        got = [str(v) for v in (m.get_all(name) or [])]
        want = head.get(name, [])
        if got != want:
            pb.add(where, "%s: got %r, expected %r" % (name, got, want))
    subj = header_text(m, "Subject")
    if subj != head["subject"]:
        pb.add(where, "Subject %r, expected %r" % (subj, head["subject"]))
    # Every message has a Date: one cc:Mail never dated says where its
    # date came from (docs/render.md).
    check_date(pb, where, m, "Date", head["date"], tz)
    source = header_text(m, "X-ccmig-Date-Source")
    if source != head["date_source"]:
        pb.add(where, "X-ccmig-Date-Source %r, expected %r" % (source, head["date_source"]))
    check_date(pb, where, m, "X-CCMail-Received", head["received"], tz)
    prio = {1: ("high", "1"), -1: ("low", "5")}.get(head["priority"], (None, None))
    if (header_text(m, "Importance"), header_text(m, "X-Priority")) != prio:
        pb.add(where, "priority %r/%r, expected %r" % (header_text(m, "Importance"),
                                                      header_text(m, "X-Priority"), prio))
    for hname, values in head["extra"].items():
        got = [str(v) for v in (m.get_all(hname) or [])]
        if got != [clean(v) for v in values]:
            pb.add(where, "%s: got %r, expected %r" % (hname, got, values))


def parts_of(m):
    if m.get_content_type() == "multipart/mixed":
        return list(m.iter_parts())
    return [m]


def check_body(pb, where, part, want):
    if part.get_content_type() != "text/plain" or part.get_content_charset() != "utf-8":
        pb.add(where, "body is %s" % part.get_content_type())
        return
    got = part.get_content().replace("\r\n", "\n")
    if got != norm_lines(want):
        pb.add(where, "body differs: %r... expected %r..." % (got[:80], norm_lines(want)[:80]))


def check_file_part(pb, where, part, name, data, description=None):
    want_name = name or "attachment"
    if part.get_filename() != want_name:
        pb.add(where, "attachment name %r, expected %r" % (part.get_filename(), want_name))
    try:
        got = part.get_content()
    except Exception as e:          # noqa: BLE001 - reported, not raised
        pb.add(where, "attachment %r unreadable: %s" % (want_name, e))
        return
    if not isinstance(got, bytes):
        got = part.get_payload(decode=True)
    if got != data:
        pb.add(where, "attachment %r: %d bytes differ from the %d stored" %
               (want_name, len(got or b""), len(data)))
    if description and description not in str(part.get("Content-Description", "")):
        pb.add(where, "attachment %r lacks the description %r" % (want_name, description))


def check_forwarded(pb, where, part, name, data, st, tz, depth, stats, carrier):
    """A message/rfc822 part against the export text it was rendered from."""
    stats["forwarded"] += 1
    stats["deepest"] = max(stats["deepest"], depth)
    where = "%s, forwarded %r (depth %d)" % (where, name, depth)
    if part.get_content_type() != "message/rfc822":
        pb.add(where, "is %s, expected message/rfc822" % part.get_content_type())
        return
    if part.get_filename() != exported_name(name, data):
        pb.add(where, "named %r, expected %r" % (part.get_filename(),
                                                 exported_name(name, data)))
    (m,) = part.get_payload()
    headers, items = parse_ccm(data, st)
    known = {"from", "date", "to", "cc", "bcc", "subject", "folder", "priority",
             "receipt", "status"}
    first = {}
    for k, v in headers:
        first.setdefault(k.lower(), v)
    home = st.name
    sender, sender_po = (None, None), home
    if first.get("from") is not None:
        # A bare name among the recipients is on the sender's post office.
        d, a, po = parse_addr(first["from"], home, home)
        sender, sender_po = (d, a), po or home
    rc = {"to": [], "cc": [], "bcc": []}
    for k, v in headers:
        if k.lower() in rc:
            rc[k.lower()] += [parse_addr(a, home, sender_po)[:2] for a in split_list(v)]
    prio = (first.get("priority") or "").lower()
    extra = {}
    for k, v in headers:
        if k.lower() not in known:
            extra.setdefault(extra_name(k), []).append(v)
    sent = parse_date(first["date"], st) if first.get("date") else None
    head = {
        # The export names no post office: addresses without one get "local".
        "from": expect_mailbox(*sender, "local"),
        "to": [expect_mailbox(d, a, "local") for d, a in rc["to"]],
        "cc": [expect_mailbox(d, a, "local") for d, a in rc["cc"]],
        "X-CCMail-From": [] if is_smtp(sender[1]) else [original(*sender)],
        "X-CCMail-To": [original(d, a) for d, a in rc["to"] if not is_smtp(a)],
        "X-CCMail-Cc": [original(d, a) for d, a in rc["cc"] if not is_smtp(a)],
        "subject": clean(first.get("subject", "")),
        # Undated: the date of the message it was forwarded in.
        "date": sent if sent is not None else carrier,
        "date_source": None if sent is not None else "forwarding",
        "received": None,
        "priority": 1 if prio == "urgent" else -1 if prio == "low" else 0,
        "extra": extra,
    }
    check_common(pb, where, m, head, tz)
    if m["Message-ID"] is not None:
        pb.add(where, "a forwarded message has a Message-ID")
    body = ""
    for kw, title, d in items:
        if kw.lower() == "text item":
            body += (title + "\r\n" if title else "") + st.text(d)
    others = [(i, kw, title, d) for i, (kw, title, d) in enumerate(items, 1)
              if kw.lower() != "text item"]
    parts = parts_of(m)
    check_body(pb, where, parts[0], body)
    if len(parts) - 1 != len(others):
        pb.add(where, "%d attachments, expected %d" % (len(parts) - 1, len(others)))
        return
    for (index, kw, title, d), p in zip(others, parts[1:]):
        kwl = kw.lower()
        if kwl == "message item":
            nm = (title or "Forwarded message") + ".ccm"
            if depth >= MAX_DEPTH:
                stats["kept_deep"] += 1
                check_file_part(pb, where, p, nm, d, "nested more than %d deep" % MAX_DEPTH)
            elif is_forwarded(nm, d):
                check_forwarded(pb, where, p, nm, d, st, tz, depth + 1, stats, head["date"])
            else:
                check_file_part(pb, where, p, nm, d)
            continue
        if kwl == "file item":
            nm = file_name(title, st)
        elif kwl == "fax item":
            nm = title if title.lower().endswith(".pcx") else title + ".pcx"
        else:
            nm = title or "item%d.bin" % index
        check_file_part(pb, where, p, nm, file_bytes(d, st))


def fold(text):
    return " ".join(text.split()).lower()


def senders_copy(m, folder, held):
    """The sender's own copy (docs/render.md): in a mailbox's Sent Items,
    Drafts or Outbox, or sent by the mailbox's owner, named by its display
    name without an address or by an address the mailbox holds."""
    mbx, special, display = folder
    if not mbx:
        return False
    if special in ("sent", "drafts", "outbox"):
        return True
    addr = m["sender_address"] or ""
    if not addr:
        return m["sender_name"] == display
    if addr.upper().startswith("MIGRATE:"):
        addr = addr[8:]
    atype, _, rest = addr.partition(":")
    mine = held.get(mbx, set())
    return ("MIGRATE", fold(addr)) in mine or (atype.upper(), fold(rest)) in mine


def owners(db):
    """What senders_copy() takes: each folder's (mailbox, special, the
    owner's display name) by folder id, and each mailbox's addresses."""
    owner, held = {}, {}
    for fid, mbx, special, display in db.execute(
            "SELECT f.id, f.mailbox_id, f.special, r.display_name "
            "FROM folders f LEFT JOIN recipients r ON r.id = f.mailbox_id"):
        owner[fid] = (mbx, special, display)
    for rid, atype, addr in db.execute("SELECT recipient_id, type, address FROM addresses"):
        held.setdefault(rid, set()).add((atype.upper(), fold(addr)))
    return owner, held


def load_store(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    db.text_factory = lambda b: b.decode("utf-8", "replace")
    folders = {}
    for fid, mbx, fpath, alias in db.execute(
            "SELECT f.id, f.mailbox_id, f.path, r.alias "
            "FROM folders f LEFT JOIN recipients r ON r.id = f.mailbox_id"):
        folders[fid] = (alias if mbx else "public", fpath)
    owner, held = owners(db)
    msgs = {}
    for row in db.execute(
            "SELECT id, folder_id, sender_name, sender_address, subject, sent_utc, "
            "received_utc, priority, is_read, is_unsent, body, stored_utc FROM messages "
            "WHERE parent_id IS NULL"):
        msgs[row[0]] = dict(zip(("id", "folder", "sender_name", "sender_address", "subject",
                                 "sent", "received", "priority", "read", "unsent", "body",
                                 "stored"), row))
        msgs[row[0]].update(rcpts=[], headers=[], atts=[])
    for m in msgs.values():
        m["senders_copy"] = senders_copy(m, owner[m["folder"]], held)
    for mid, kind, disp, addr in db.execute(
            "SELECT message_id, kind, display_name, address FROM message_recipients "
            "ORDER BY message_id, seq"):
        if mid in msgs:     # a forwarded message's are checked from its text
            msgs[mid]["rcpts"].append((kind, disp, addr))
    for mid, name, value in db.execute(
            "SELECT message_id, name, value FROM message_headers ORDER BY message_id, seq"):
        if mid in msgs:
            msgs[mid]["headers"].append((name, value))
    for mid, name, blob, akind in db.execute(
            "SELECT message_id, name, blob_id, kind FROM attachments "
            "ORDER BY message_id, seq"):
        if mid in msgs:
            msgs[mid]["atts"].append((name, blob, akind))
    return db, folders, msgs


def blob_bytes(db, blob):
    return b"".join(bytes(r[0]) for r in db.execute(
        "SELECT data FROM blob_parts WHERE blob_id = ? ORDER BY seq", (blob,)))


def maildir_messages(root_dir, pb):
    """(id, location, flags, raw bytes, path) of every message of a Maildir++."""
    for root, dirs, files in os.walk(root_dir):
        dirs.sort()
        if os.path.basename(root) not in ("cur", "new"):
            continue
        loc = os.path.relpath(os.path.dirname(root), root_dir)
        for f in sorted(files):
            mt = FILE_NAME.match(f)
            if not mt or mt.group(2) is None:
                pb.add(os.path.join(root, f), "file not named ccmig-<name>:2,<flags>")
                continue
            with open(os.path.join(root, f), "rb") as fh:
                yield mt.group(1), loc, mt.group(2), fh.read(), os.path.join(root, f)


FROM_QUOTED = re.compile(rb"(?m)^>(>*From )")


def mbox_messages(root_dir, pb):
    """The same for mboxrd files: ids come from the Message-ID, and one '>'
    of each quoted "From " line is taken off, as mboxrd readers do."""
    for root, dirs, files in os.walk(root_dir):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith(".mbox"):
                continue
            loc = os.path.relpath(os.path.join(root, f), root_dir)
            for k, mm in enumerate(mailbox.mbox(os.path.join(root, f), create=False)):
                yield None, loc, None, FROM_QUOTED.sub(rb"\1", mm.as_bytes()), \
                    "%s, message %d" % (loc, k + 1)


def expected_head(s):
    po = "local"         # the export names no post office (render.h)
    head = {
        "from": expect_mailbox(s["sender_name"], s["sender_address"], po),
        "to": [expect_mailbox(d, a, po) for k, d, a in s["rcpts"] if k == "to"],
        "cc": [expect_mailbox(d, a, po) for k, d, a in s["rcpts"] if k == "cc"],
        "X-CCMail-From": [] if is_smtp(s["sender_address"]) else
        [original(s["sender_name"], s["sender_address"])],
        "X-CCMail-To": [original(d, a) for k, d, a in s["rcpts"] if k == "to" and not is_smtp(a)],
        "X-CCMail-Cc": [original(d, a) for k, d, a in s["rcpts"] if k == "cc" and not is_smtp(a)],
        "bcc": [expect_mailbox(d, a, po) for k, d, a in s["rcpts"]
                if k == "bcc" and s["senders_copy"]],
        "X-CCMail-Bcc": [original(d, a) for k, d, a in s["rcpts"]
                         if k == "bcc" and s["senders_copy"] and not is_smtp(a)],
        "subject": clean(s["subject"]),
        "received": s["received"], "priority": s["priority"],
        "extra": {},
    }
    # The date: sent, else received, else when it was stored.
    for key, source in (("sent", None), ("received", "received"), ("stored", "migration")):
        if s[key] is not None:
            head["date"], head["date_source"] = s[key], source
            break
    for n, v in s["headers"]:
        head["extra"].setdefault(extra_name(n), []).append(v or "")
    return head


def check_message(pb, where, raw, s, db, st, tz, stats):
    m = email.message_from_bytes(raw, policy=POLICY)
    head = expected_head(s)
    check_common(pb, where, m, head, tz)
    parts = parts_of(m)
    check_body(pb, where, parts[0], s["body"] or "")
    if len(parts) - 1 != len(s["atts"]):
        pb.add(where, "%d attachments, expected %d" % (len(parts) - 1, len(s["atts"])))
        return
    for (name, blob, akind), p in zip(s["atts"], parts[1:]):
        data = blob_bytes(db, blob)
        stats["attachments"] += 1
        stats["bytes"] += len(data)
        if is_forwarded(name, data):
            check_forwarded(pb, where, p, name, data, st, tz, 1, stats, head["date"])
            continue
        # MacBinary: the data fork, with the resource fork in AppleDouble.
        wfile, wrsrc = expected_file(akind, data)
        p, grsrc = exported_file(p)
        stats["appledouble"] = stats.get("appledouble", 0) + (grsrc is not None)
        if grsrc != wrsrc:
            pb.add(where, "attachment %r: resource fork of %d bytes, expected %d"
                   % (name, len(grsrc or b""), len(wrsrc or b"")))
        check_file_part(pb, where, p, name, wfile)


uids = {}          # {name: message id} of the store (store_uid.py)


def check_export(kind, messages, pb, db, folders, msgs, st, tz, stats, first):
    """One export (a Maildir or mbox tree) against the store. `first` holds
    the bytes of each message of an export checked already: a message of
    the same bytes (line ends aside) needs no second reading."""
    seen, where_of, lf_of = {}, {}, {}
    for mid, loc, flags, raw, path in messages:
        # The first Message-ID line of the top-level header block.
        top = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        mt = MESSAGE_ID.search(top)
        if not mt:
            pb.add(path, "%s: no Message-ID <ccmig.NAME@...>" % kind)
            continue
        name = mt.group(1).decode()
        if mid is not None and name != mid:
            pb.add(path, "file name says message %s, Message-ID %s" % (mid, name))
        if name not in uids:
            pb.add(path, "%s: Message-ID %s names no message of the store" % (kind, name))
            continue
        mid = uids[name]
        if mid not in msgs:
            pb.add(path, "%s: message %d is not in the store" % (kind, mid))
            continue
        if mid in seen:
            pb.add(path, "%s: message %d exported twice (also %s)" % (kind, mid, seen[mid]))
            continue
        seen[mid] = path
        s = msgs[mid]
        owner, fpath = folders[s["folder"]]
        where = "%s: mailbox %s, folder %r, message %d" % (kind, owner, fpath, mid)
        where_of.setdefault(s["folder"], set()).add(loc)
        if loc.split(os.sep)[0] != owner:
            pb.add(where, "exported under %r, not under %r" % (loc, owner))
        if flags is not None:
            want = ("D" if s["unsent"] else "") + ("S" if s["read"] else "")
            if flags != want:
                pb.add(where, "flags %r, expected %r" % (flags, want))
        lf = raw.replace(b"\r\n", b"\n")
        if first is not None and first.get(mid) == lf:
            stats["same"] += 1
        else:
            check_message(pb, where, raw, s, db, st, tz, stats)
            stats["messages"] += 1
        lf_of[mid] = lf
    for mid, s in msgs.items():
        if mid not in seen:
            owner, fpath = folders[s["folder"]]
            pb.add("%s: mailbox %s, folder %r, message %d" % (kind, owner, fpath, mid),
                   "not exported")
    places, counts = {}, {}
    for fid, locs in where_of.items():
        owner, fpath = folders[fid]
        if len(locs) != 1:
            pb.add("%s: mailbox %s, folder %r" % (kind, owner, fpath),
                   "messages in several places %r" % sorted(locs))
        for loc in locs:
            if loc in places and places[loc] != fid:
                pb.add("%s: mailbox %s, folder %r" % (kind, owner, fpath),
                       "shares %r with folder %r" % (loc, folders[places[loc]][1]))
            places[loc] = fid
    for mid in seen:
        counts[msgs[mid]["folder"]] = counts.get(msgs[mid]["folder"], 0) + 1
    for fid, (owner, fpath) in folders.items():
        n = sum(1 for s in msgs.values() if s["folder"] == fid)
        if counts.get(fid, 0) != n:
            pb.add("%s: mailbox %s, folder %r" % (kind, owner, fpath),
                   "%d messages exported, %d stored" % (counts.get(fid, 0), n))
    return lf_of


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--maildir")
    ap.add_argument("--mbox")
    ap.add_argument("--time-zone", default="UTC")
    ap.add_argument("--po", required=True)
    args = ap.parse_args()
    if not args.maildir and not args.mbox:
        ap.error("give --maildir, --mbox or both")
    tz = zoneinfo.ZoneInfo(args.time_zone)
    st = Settings(os.path.join(args.po, "po.txt"))
    pb = Problems()
    db, folders, msgs = load_store(args.store)
    uids.update(uid_map(db))
    stats = {"messages": 0, "same": 0, "attachments": 0, "forwarded": 0, "deepest": 0,
             "kept_deep": 0, "bytes": 0}
    first = None
    if args.maildir:
        first = check_export("maildir", maildir_messages(args.maildir, pb), pb, db,
                             folders, msgs, st, tz, stats, None)
    if args.mbox:
        check_export("mbox", mbox_messages(args.mbox, pb), pb, db, folders, msgs, st,
                     tz, stats, first)
    for p in pb.items[:200]:
        print("DIFF " + p)
    if len(pb.items) > 200:
        print("DIFF ... and %d more" % (len(pb.items) - 200))
    print("checked %(messages)d messages (%(same)d more the same in both exports), "
          "%(attachments)d attachments (%(bytes)d bytes), %(forwarded)d forwarded "
          "messages (deepest %(deepest)d, %(kept_deep)d kept as text)" % stats +
          (", %d differences" % len(pb.items)))
    return 1 if pb.items else 0


if __name__ == "__main__":
    sys.exit(main())
