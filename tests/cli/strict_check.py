#!/usr/bin/env python3
"""strict_check.py: every message of an export checked against the rules of
the strictest importers (Google's migration service, Microsoft 365), read
by Python's email package with policy.strict and by Dovecot's parser.

    strict_check.py (--maildir DIR | --mbox DIR)...
    strict_check.py --imap PORT --password P --user U...

The rules, for every message and every message forwarded inside one
(message/rfc822 parts, to any depth):
  - it parses with email.policy.strict: no defect in the MIME structure
    or in any header field;
  - exactly one From field with exactly one address, local part and
    domain, and one Date field that is a valid RFC 5322 date-time;
  - the header block is 7-bit: anything else goes in RFC 2047 encoded
    words, each well-formed (at most 75 characters, a charset Python
    knows, B or Q, text that decodes in that charset without error);
  - every parameter that must hold more than ASCII (a file name) is in
    RFC 2231 form with a charset and decodes;
  - every line is at most 998 octets, the end of line excluded;
  - a base64 part decodes in strict mode;
and for each stored message, one Message-ID of valid form, unique across
all that is checked.

With --imap, the same messages are read from a Dovecot serving them:
every message's ENVELOPE (Dovecot's own parse of the header) has one From
with mailbox and host, a Date, and a Message-ID, unique; its BODYSTRUCTURE
parses; and every leaf part decodes on the server (FETCH BINARY.SIZE: a
transfer encoding Dovecot cannot decode fails with [UNKNOWN-CTE]).

Prints each breach with the file (or mailbox and folder) and the rule; exits
1 when there is any, 2 when nothing was checked.
"""
import argparse
import binascii
import codecs
import email
import email.errors
import email.headerregistry
import email.parser
import email.policy
import email.utils
import imaplib
import mailbox
import os
import re
import sys

from maildir_read import message_files

STRICT = email.policy.strict
# A forwarded message's header block as it was written: refolding 100 KB
# address lists costs minutes and would check Python's folding, not ccmig's.
AS_WRITTEN = email.policy.strict.clone(refold_source="none", max_line_length=0)
ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([^?\s]*)\?([^?\s]*)\?=")
MSG_ID = re.compile(r"^\s*<[^<>@\s]+@[^<>@\s]+>\s*$")
MAX_LINE = 998


class Breaches:
    def __init__(self):
        self.items, self.messages = [], 0

    def add(self, where, what):
        self.items.append("%s: %s" % (where, what))


def check_lines(pb, where, raw):
    for n, line in enumerate(raw.split(b"\n"), 1):
        if len(line.rstrip(b"\r")) > MAX_LINE:
            pb.add(where, "line %d is %d octets (at most %d)" % (n, len(line.rstrip(b"\r")), MAX_LINE))
            return


def check_encoded_words(pb, where, name, value):
    """The raw value of one header field (bytes, unfolded)."""
    try:
        value.decode("ascii")
    except UnicodeDecodeError:
        pb.add(where, "%s holds 8-bit bytes: %r" % (name, value[:60]))
        return
    for m in ENCODED_WORD.finditer(value):
        word, charset, enc, text = m.group(0), m.group(1), m.group(2).upper(), m.group(3)
        if len(word) > 75:
            pb.add(where, "%s: encoded word of %d characters (at most 75)" % (name, len(word)))
        cs = charset.decode().split("*")[0]       # RFC 2231 language suffix
        try:
            codecs.lookup(cs)
        except LookupError:
            pb.add(where, "%s: encoded word in unknown charset %r" % (name, cs))
            continue
        try:
            if enc == b"B":
                data = binascii.a2b_base64(text, strict_mode=True)
            elif enc == b"Q":
                if re.search(rb"[^!*+\-/=_0-9A-Za-z]", text):
                    raise ValueError("character Q encoding does not allow")
                data = binascii.a2b_qp(text.replace(b"_", b" "))
            else:
                raise ValueError("encoding %r" % enc)
            data.decode(cs)
        except (ValueError, binascii.Error, UnicodeDecodeError) as e:
            pb.add(where, "%s: encoded word %r does not decode: %s" % (name, word[:40], e))


def raw_fields(raw):
    """The header fields of `raw` as (name, unfolded value bytes)."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    fields = []
    for line in re.split(rb"\r?\n", head):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b" " + line.strip()
        elif b":" in line:
            k, v = line.split(b":", 1)
            fields.append([k.decode("latin-1"), v.strip()])
    return fields


ADDRESS_FIELDS = {"to", "cc", "bcc", "reply-to", "sender", "resent-to", "resent-cc"}
LONG = 4000
REGISTRY = email.headerregistry.HeaderRegistry()


def split_addresses(value):
    """An address list at its top-level commas (outside quotes, comments
    and angle brackets)."""
    out, cur, quote, depth, angle, esc = [], "", False, 0, False, False
    for c in value:
        if esc:
            esc = False
        elif c == "\\":
            esc = True
        elif quote:
            quote = c != '"'
        elif c == '"':
            quote = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "<":
            angle = True
        elif c == ">":
            angle = False
        elif c == "," and not depth and not angle:
            out.append(cur)
            cur = ""
            continue
        cur += c
    return out + [cur]


def field_defects(name, value):
    """The defects Python's header registry finds in one field. An address
    list of 100 KB (cc:Mail's longest) is parsed address by address: the
    registry's parser takes quadratic time over a whole list."""
    text = value.decode("ascii", "replace")
    if name.lower() in ADDRESS_FIELDS and len(text) > LONG:
        pieces = [p for p in split_addresses(text) if p.strip()]
    else:
        pieces = [text]
    defects = []
    for p in pieces:
        defects += REGISTRY(name, p).defects
    return defects


def check_header_block(pb, where, msg, raw, top, ids):
    for name, value in raw_fields(raw):
        check_encoded_words(pb, where, name, value)
        for d in field_defects(name, value):
            pb.add(where, "%s: %s" % (name, d))
    froms = msg.get_all("From") or []
    if len(froms) != 1:
        pb.add(where, "%d From fields (exactly one)" % len(froms))
    else:
        addrs = froms[0].addresses
        if len(addrs) != 1 or not addrs[0].username or not addrs[0].domain:
            pb.add(where, "From %r is not one address with local part and domain" % str(froms[0]))
    dates = msg.get_all("Date") or []
    if len(dates) != 1:
        pb.add(where, "%d Date fields (exactly one)" % len(dates))
    elif dates[0].datetime is None or dates[0].datetime.tzinfo is None:
        pb.add(where, "Date %r is not a valid date-time" % str(dates[0]))
    mids = msg.get_all("Message-ID") or []
    if top and len(mids) != 1:
        pb.add(where, "%d Message-ID fields (exactly one)" % len(mids))
    for mid in mids:
        if not MSG_ID.match(str(mid)):
            pb.add(where, "Message-ID %r is not <left@right>" % str(mid))
        elif top:
            key = str(mid).strip()
            if key in ids:
                pb.add(where, "Message-ID %s also on %s" % (key, ids[key]))
            ids[key] = where


def check_part_params(pb, where, part):
    for hname in ("Content-Type", "Content-Disposition"):
        h = part.get(hname)
        if h is None:
            continue
        for pname, pvalue in getattr(h, "params", {}).items():
            if not isinstance(pvalue, str):
                pb.add(where, "%s parameter %s does not decode" % (hname, pname))
    try:
        part.get_filename()
    except (ValueError, LookupError) as e:
        pb.add(where, "file name does not decode: %s" % e)


def check_message(pb, where, raw, ids, top=True, depth=0):
    if top:
        pb.messages += 1
        check_lines(pb, where, raw)
    try:
        msg = email.parser.BytesParser(policy=STRICT).parsebytes(raw)
    except (email.errors.MessageError, ValueError) as e:
        pb.add(where, "does not parse strictly: %s" % e)
        return
    check_header_block(pb, where, msg, raw, top, ids)
    for part in msg.walk():
        if part.defects:
            pb.add(where, "MIME defects %s" % part.defects)
        check_part_params(pb, where, part)
        cte = (part.get("Content-Transfer-Encoding") or "7bit").strip().lower()
        if cte not in ("7bit", "8bit", "binary", "base64", "quoted-printable"):
            pb.add(where, "Content-Transfer-Encoding %r" % cte)
        if part.get_content_type() == "message/rfc822" and part is not msg:
            inner = part.get_payload()[0] if part.is_multipart() else None
            if inner is None:
                pb.add(where, "message/rfc822 part without a message")
                continue
            check_message(pb, "%s (forwarded, depth %d)" % (where, depth + 1),
                          inner.as_bytes(policy=AS_WRITTEN), ids, False, depth + 1)
        elif not part.is_multipart() and cte == "base64":
            body = part.get_payload(decode=False)
            try:
                binascii.a2b_base64("".join(body.split()), strict_mode=True)
            except binascii.Error as e:
                pb.add(where, "base64 part does not decode strictly: %s" % e)


def check_maildir(pb, root, ids):
    # Sorted: which of two messages sharing a Message-ID is named first
    # stays the same from run to run.
    for path in sorted(message_files(root)):
        with open(path, "rb") as f:
            check_message(pb, path, f.read(), ids)


def check_mbox(pb, root, ids):
    for d, _, files in os.walk(root):
        for f in sorted(files):
            path = os.path.join(d, f)
            box = mailbox.mbox(path, create=False)
            for key in box.keys():
                raw = box.get_bytes(key)
                check_message(pb, "%s#%s" % (path, key), raw, ids)
            box.close()


# ---- Dovecot's parser --------------------------------------------------------

def parse_list(data):
    """The tokens of an IMAP parenthesised list as nested Python lists."""
    pos, out = 0, []
    stack = [out]
    while pos < len(data):
        c = data[pos:pos + 1]
        if c == b"(":
            new = []
            stack[-1].append(new)
            stack.append(new)
            pos += 1
        elif c == b")":
            stack.pop()
            pos += 1
        elif c in b" \r\n":
            pos += 1
        elif c == b'"':
            end = pos + 1
            buf = b""
            while data[end:end + 1] != b'"':
                if data[end:end + 1] == b"\\":
                    end += 1
                buf += data[end:end + 1]
                end += 1
            stack[-1].append(buf)
            pos = end + 1
        elif c == b"{":
            end = data.index(b"}", pos)
            n = int(data[pos + 1:end])
            start = data.index(b"\n", end) + 1
            stack[-1].append(data[start:start + n])
            pos = start + n
        else:
            m = re.match(rb"[^\s()]+", data[pos:])
            tok = m.group(0)
            stack[-1].append(None if tok == b"NIL" else tok)
            pos += len(tok)
    return out


def fetch_items(typ, data):
    """imaplib's FETCH answer, each message's list of items flattened."""
    joined, items = b"", []
    for d in data:
        if isinstance(d, tuple):
            joined += d[0] + b"{%d}\r\n" % len(d[1]) + d[1]
        elif d == b")":
            joined += d
            items.append(joined)
            joined = b""
        elif d is not None:
            joined += d
            if joined.endswith(b")"):
                items.append(joined)
                joined = b""
    return items


def leaves(body, prefix=""):
    """Part numbers of the leaf parts of a BODYSTRUCTURE."""
    if isinstance(body[0], list):          # multipart: parts, then subtype
        out = []
        for i, sub in enumerate(p for p in body if isinstance(p, list)):
            out += leaves(sub, "%s%d." % (prefix, i + 1))
        return out
    return [prefix.rstrip(".") or "1"]


def check_imap(pb, port, users, password, ids):
    for user in users:
        imap = imaplib.IMAP4("127.0.0.1", port, timeout=30)
        imap.login(user, password)
        typ, lines = imap.list('""', "*")
        for line in lines:
            m = re.match(rb'\(([^)]*)\) (?:"[^"]*"|NIL) (.*)$', line)
            if not m or b"\\Noselect" in m.group(1) or b"\\NonExistent" in m.group(1):
                continue
            folder = m.group(2).decode()
            if imap.select(folder, readonly=True)[0] != "OK":
                pb.add("%s %s" % (user, folder), "EXAMINE failed")
                continue
            typ, data = imap.uid("FETCH", "1:*", "(UID ENVELOPE BODYSTRUCTURE)")
            if typ != "OK":
                pb.add("%s %s" % (user, folder), "FETCH failed: %r" % data)
                continue
            for item in fetch_items(typ, data):
                if not item.strip():
                    continue
                fields = parse_list(item[item.index(b"("):])[0]
                kv = dict(zip(fields[::2], fields[1::2]))
                where = "%s %s UID %s" % (user, folder, kv[b"UID"].decode())
                pb.messages += 1
                env = kv[b"ENVELOPE"]
                date, frm, mid = env[0], env[2], env[9]
                if date is None or email.utils.parsedate_to_datetime(date.decode()) is None:
                    pb.add(where, "Dovecot reads no Date")
                if not isinstance(frm, list) or len(frm) != 1:
                    pb.add(where, "Dovecot reads %r as From" % (frm,))
                elif not frm[0][2] or not frm[0][3] or frm[0][3] == b".MISSING-HOST-NAME.":
                    pb.add(where, "Dovecot reads From %r: no mailbox or host" % (frm[0],))
                if mid is None:
                    pb.add(where, "Dovecot reads no Message-ID")
                else:
                    key = mid.decode().strip()
                    if key in ids:
                        pb.add(where, "Message-ID %s also on %s" % (key, ids[key]))
                    ids[key] = where
                for part in leaves(kv[b"BODYSTRUCTURE"]):
                    typ, got = imap.uid("FETCH", kv[b"UID"], "(BINARY.SIZE[%s])" % part)
                    if typ != "OK" or b"BINARY.SIZE" not in b" ".join(
                            g if isinstance(g, bytes) else g[0] for g in got if g):
                        pb.add(where, "part %s does not decode on Dovecot: %s %r"
                               % (part, typ, got))
        imap.logout()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--maildir", action="append", default=[])
    ap.add_argument("--mbox", action="append", default=[])
    ap.add_argument("--imap", type=int)
    ap.add_argument("--password")
    ap.add_argument("--user", action="append", default=[])
    a = ap.parse_args()
    pb, ids = Breaches(), {}
    for d in a.maildir:
        check_maildir(pb, d, ids)
    for d in a.mbox:
        ids_mbox = {}       # an mbox export holds the Maildir's messages again
        check_mbox(pb, d, ids_mbox)
    if a.imap:
        check_imap(pb, a.imap, a.user, a.password, {})
    for line in pb.items[:60]:
        print(line)
    if len(pb.items) > 60:
        print("... and %d more" % (len(pb.items) - 60))
    print("strict: %d messages, %d breaches" % (pb.messages, len(pb.items)))
    sys.exit(1 if pb.items else 0 if pb.messages else 2)


if __name__ == "__main__":
    main()
