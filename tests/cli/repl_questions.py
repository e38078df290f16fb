#!/usr/bin/env python3
"""repl_questions.py: five questions typed at `ccmig repl PO_DIR` on a
pseudo-terminal, one or two lines each, as a user would, and the answers
checked against values found another way: `ccmig inspect --json`,
`ccmig report --json` of a migration with the policy, and Python's sqlite3
over the store.

Usage: python3 repl_questions.py CCMIG TMPDIR
TMPDIR holds po/ (the post office), s.db (its store), inspect.json and
report.json (repl_questions.sh makes them). Every wait is bounded.
"""
import collections
import calendar
import json
import os
import re
import sqlite3
import sys
import time

from ptylib import Checks, Pty, Timeout

EXPECT_TIMEOUT = 20
WHOLE_RUN = 180

CCMIG, TMP = sys.argv[1], sys.argv[2]
PROMPT = rb"ccmig> "


class Session(Pty):
    def __init__(self, *args):
        env = dict(os.environ, TERM="xterm", HOME=TMP, LC_ALL="C.UTF-8",
                   CCMIG_HISTORY=os.path.join(TMP, "history"))
        env.pop("EDITRC", None)
        # Wide, so that the line editor never scrolls a long line.
        super().__init__([CCMIG, "repl", *args], env, rows=50, cols=1000)
        self.buf = b""

    def output(self, data):
        self.buf += data

    def describe(self):
        return "output %r" % self.buf[-300:]

    def expect(self, rx, timeout=EXPECT_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(rx, self.buf)
            if m:
                before, self.buf = self.buf[:m.start()], self.buf[m.end():]
                return before
            if not self.read(deadline):
                raise Timeout("waited for %r, got %r" % (rx, self.buf[-300:]))

    def ask(self, *lines):
        """Types each line; what was printed up to the next prompt, as
        text lines (the echo of the typed line among them)."""
        out = b""
        for line in lines:
            time.sleep(0.05)
            self.send(line + "\r")
            out += self.expect(PROMPT)
        text = out.decode("utf-8", "replace").replace("\r", "")
        return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", l) for l in text.split("\n")]


def answers(lines, tag):
    """The fields of the printed lines that start with tag and a tab."""
    return [l.split("\t")[1:] for l in lines if l.startswith(tag + "\t")]


def day(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%d"))


inspect = json.load(open(os.path.join(TMP, "inspect.json")))
report = json.load(open(os.path.join(TMP, "report.json")))
db = sqlite3.connect(os.path.join(TMP, "s.db"))
checks = Checks(WHOLE_RUN)
s = Session(os.path.join(TMP, "po"))


def start():
    s.expect(PROMPT)
    s.ask('st = ccmig.store("%s", {readonly = true})' % os.path.join(TMP, "s.db"))


def biggest():
    # a. The ten biggest mailboxes.
    got = answers(s.ask(
        't = po:totals(); table.sort(t, function(a, b) return a.bytes > b.bytes end)',
        'for i = 1, 10 do print("A", t[i].name, t[i].bytes) end'), "A")
    boxes = inspect["mailboxes"] + inspect["boards"]
    want = sorted(boxes, key=lambda b: -b["bytes"])[:10]
    assert [int(b) for _, b in got] == [b["bytes"] for b in want], (got, want)
    sizes = {b["name"]: b["bytes"] for b in boxes}
    assert all(sizes[n] == int(b) for n, b in got), got


def from_sender():
    # b. Every message from a sender in a date range, in every mailbox.
    got = answers(s.ask(
        'for _, b in ipairs(st:recipients{kind = "mailbox"}) do for m in st:messages{mailbox = b.alias, '
        'from = "doe", since = "1999-01-01", before = "2001-01-01"} do print("B", m.id, m.subject) end end'), "B")
    want = db.execute(
        "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id "
        "WHERE f.mailbox_id IS NOT NULL AND m.parent_id IS NULL "
        "AND (lower(ifnull(m.sender_name, '')) LIKE '%doe%' "
        "  OR lower(ifnull(m.sender_address, '')) LIKE '%doe%') "
        "AND coalesce(m.sent_utc, m.received_utc) >= ? "
        "AND coalesce(m.sent_utc, m.received_utc) < ?",
        (day("1999-01-01"), day("2001-01-01"))).fetchall()
    assert want, "the question has no answer in this post office"
    assert sorted(int(i) for i, *_ in got) == sorted(i for i, in want), (got, want)


def largest_attachments():
    # c. The largest attachments, with their owners.
    got = answers(s.ask(
        'for _, a in ipairs(st:query("SELECT a.name, a.size FROM attachments a ORDER BY a.size DESC LIMIT 5")) '
        'do print("C", a.name, a.size) end'), "C")
    # Measured from the content itself, not from the size column.
    sizes = collections.Counter()
    for name, n in db.execute(
            "SELECT a.name, (SELECT sum(length(p.data)) FROM blob_parts p "
            "WHERE p.blob_id = a.blob_id) FROM attachments a"):
        sizes[(name, n)] += 1
    want = sorted(sizes.elements(), key=lambda x: -x[1])[:5]
    assert [int(n) for _, n in got] == [n for _, n in want], (got, want)
    assert all(sizes[(a, int(n))] for a, n in got), got


def without_mail():
    # d. Users without mail.
    got = answers(s.ask(
        'for _, u in ipairs(po:users{local_only = true}) do if not u.has_mail then print("D", u.name) end end'),
        "D")
    # inspect and po:users agree: an empty mail file is no mail.
    want = sorted(b["name"] for b in inspect["mailboxes"] if not b["has_mail"])
    assert want == sorted(b["name"] for b in inspect["mailboxes"] if not b["messages"]), \
        "inspect's has_mail is not 'holds a message'"
    assert want, "every user has mail"
    assert sorted(n for n, in got) == want, (got, want)


def policy_leaves_out():
    # e. What the date-range policy would leave out.
    got = answers(s.ask(
        'r = ccmig.preflight(po, {policy = "date-range", policy_args = {since = "1999-01-01", ["until"] = "2000-07-01"}})',
        'for _, m in ipairs(r.left_out) do print("E", m.user, m.number, m.why) end print("OK", tostring(r.ok))'),
        "E")
    # The R8 settings folders are left out by a rule, whatever the policy.
    by = "policy:date-range.lua:message"
    assert all(w in (by, "rule:r8-settings") for _, _, w in got), got
    for why in (by, "rule:r8-settings"):
        per = collections.Counter(u for u, _, w in got if w == why)
        want = {b["name"]: b["left_out_by"][why] for b in report["mailboxes"]
                if b["left_out_by"].get(why)}
        assert want, "nothing left out by %s" % why
        assert dict(per) == want, (why, dict(per), want)


try:
    for name, fn in [("store opened", start), ("a. ten biggest mailboxes", biggest),
                     ("b. a sender's messages in a date range", from_sender),
                     ("c. largest attachments", largest_attachments),
                     ("d. users without mail", without_mail),
                     ("e. what a policy would leave out", policy_leaves_out)]:
        checks.run(name, fn)
    s.send(".quit\r")
    checks.run("quits", lambda: s.wait_exit(EXPECT_TIMEOUT, "the REPL"))
finally:
    s.kill()
checks.finish(expected=7)
