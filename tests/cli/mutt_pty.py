#!/usr/bin/env python3
"""mutt_pty.py: drives Debian's mutt through a pseudo-terminal over a Maildir
that `ccmig export --maildir` wrote, and checks what it shows against the
store.

Usage: python3 mutt_pty.py STORE.db MAILDIR_ROOT TMPDIR

Takes the Inbox message of the store with body text and the most attachments
(those with names that are not ASCII first), opens its mailbox with
`mutt -n -F MUTTRC -f ROOT/ALIAS`, and checks: the index counts the Inbox's
messages and shows their subjects; the message (found by its Message-ID with
mutt's limit) opens with its subject and the first line of its body, and no
^M (a CR shown before a line's end); the attachment menu ('v') lists each
attachment's name; 'q' leaves mutt with status 0. What mutt draws goes
through a small terminal emulator, so checks read the screen as a person
would. Without a UTF-8 locale only ASCII text is matched. Prints one line
per check and exits 1 if any failed; every wait is bounded (WAIT per screen,
WHOLE_RUN in all).
"""
import codecs
import os
import re
import subprocess
import sys
import time
import unicodedata

from ptylib import Checks, Pty, Timeout
from store_read import attachments, open_store
from store_uid import uid_map

WAIT = 10
WHOLE_RUN = 60
COLS = 160

STORE, ROOT, TMP = sys.argv[1], sys.argv[2], sys.argv[3]


class Screen:
    """The part of an xterm that ncurses uses to draw mutt: cursor moves,
    erasing, inserting and deleting, scrolling regions, UTF-8 text (wide
    characters take two cells)."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.dec = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending = ""
        self.clear()

    def clear(self):
        self.cells = [[" "] * self.cols for _ in range(self.rows)]
        self.y = self.x = 0
        self.top, self.bottom = 0, self.rows - 1
        self.last = " "
        self.saved = (0, 0)

    def text(self):
        return "\n".join("".join(c for c in row if c is not None).rstrip()
                         for row in self.cells)

    def scroll_up(self, n=1):
        for _ in range(n):
            del self.cells[self.top]
            self.cells.insert(self.bottom, [" "] * self.cols)

    def scroll_down(self, n=1):
        for _ in range(n):
            del self.cells[self.bottom]
            self.cells.insert(self.top, [" "] * self.cols)

    def newline(self):
        if self.y == self.bottom:
            self.scroll_up()
        elif self.y < self.rows - 1:
            self.y += 1

    def put(self, ch):
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if unicodedata.combining(ch):
            return
        if self.x + w > self.cols:
            self.x = 0
            self.newline()
        self.cells[self.y][self.x] = ch
        if w == 2 and self.x + 1 < self.cols:
            self.cells[self.y][self.x + 1] = None
        self.x += w
        self.last = ch

    def erase(self, y, x0, x1):
        for x in range(max(x0, 0), min(x1, self.cols)):
            self.cells[y][x] = " "

    def csi(self, priv, params, final):
        p = [int(v) if v.isdigit() else 0 for v in params.split(";")] if params else []
        n = p[0] if p and p[0] else 1
        if priv:
            if final in "hl" and params in ("1049", "47", "1047"):
                self.clear()
            return
        if final in "Hf":
            self.y = min(max((p[0] if p and p[0] else 1) - 1, 0), self.rows - 1)
            self.x = min(max((p[1] if len(p) > 1 and p[1] else 1) - 1, 0), self.cols - 1)
        elif final == "A":
            self.y = max(self.y - n, 0)
        elif final == "B":
            self.y = min(self.y + n, self.rows - 1)
        elif final == "C":
            self.x = min(self.x + n, self.cols - 1)
        elif final == "D":
            self.x = max(self.x - n, 0)
        elif final == "G":
            self.x = min(n - 1, self.cols - 1)
        elif final == "d":
            self.y = min(n - 1, self.rows - 1)
        elif final == "J":
            mode = p[0] if p else 0
            if mode == 0:
                self.erase(self.y, self.x, self.cols)
                for y in range(self.y + 1, self.rows):
                    self.erase(y, 0, self.cols)
            elif mode == 1:
                self.erase(self.y, 0, self.x + 1)
                for y in range(self.y):
                    self.erase(y, 0, self.cols)
            else:
                for y in range(self.rows):
                    self.erase(y, 0, self.cols)
        elif final == "K":
            mode = p[0] if p else 0
            x0, x1 = {0: (self.x, self.cols), 1: (0, self.x + 1)}.get(mode, (0, self.cols))
            self.erase(self.y, x0, x1)
        elif final == "X":
            self.erase(self.y, self.x, self.x + n)
        elif final == "P":
            row = self.cells[self.y]
            del row[self.x:self.x + n]
            row.extend([" "] * (self.cols - len(row)))
        elif final == "@":
            row = self.cells[self.y]
            row[self.x:self.x] = [" "] * n
            del row[self.cols:]
        elif final in "LM" and self.top <= self.y <= self.bottom:
            saved = self.top
            self.top = self.y
            (self.scroll_down if final == "L" else self.scroll_up)(n)
            self.top = saved
        elif final == "S":
            self.scroll_up(n)
        elif final == "T":
            self.scroll_down(n)
        elif final == "r":
            self.top = (p[0] if p and p[0] else 1) - 1
            self.bottom = (p[1] if len(p) > 1 and p[1] else self.rows) - 1
            self.y = self.x = 0
        elif final == "b":
            for _ in range(n):
                self.put(self.last)
        # m (colours), h/l (modes), t (window ops) and the rest draw nothing.

    CSI = re.compile(r"\x1b\[([?>=]?)([0-9;]*)[ -/]*([@-~])")
    OTHER = re.compile(r"\x1b(?:\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+].|[^\[\]()*+])")

    def feed(self, data):
        s = self.pending + self.dec.decode(data)
        self.pending = ""
        i = 0
        while i < len(s):
            ch = s[i]
            if ch == "\x1b":
                m = self.CSI.match(s, i) or self.OTHER.match(s, i)
                if not m:
                    self.pending = s[i:]   # the rest of it comes next read
                    return
                if m.re is self.CSI:
                    self.csi(m.group(1), m.group(2), m.group(3))
                else:
                    seq = m.group(0)
                    if seq == "\x1b7":
                        self.saved = (self.y, self.x)
                    elif seq == "\x1b8":
                        self.y, self.x = self.saved
                    elif seq == "\x1bM":
                        if self.y == self.top:
                            self.scroll_down()
                        else:
                            self.y = max(self.y - 1, 0)
                    elif seq in ("\x1bD", "\x1bE"):
                        self.newline()
                        if seq == "\x1bE":
                            self.x = 0
                    elif seq == "\x1bc":
                        self.clear()
                i = m.end()
                continue
            if ch == "\r":
                self.x = 0
            elif ch in "\n\x0b\x0c":
                self.newline()
            elif ch == "\b":
                self.x = max(self.x - 1, 0)
            elif ch == "\t":
                self.x = min((self.x // 8 + 1) * 8, self.cols - 1)
            elif ch >= " " and ch != "\x7f":
                self.put(ch)
            i += 1


class Mutt(Pty):
    def __init__(self, folder, muttrc, rows, env):
        self.screen = Screen(rows, COLS)
        super().__init__(["mutt", "-n", "-F", muttrc, "-f", folder], env, rows, COLS)

    def output(self, data):
        self.screen.feed(data)

    def describe(self):
        return "the screen:\n%s" % self.screen.text()

    def wait_for(self, what, timeout=WAIT):
        """Waits until the screen shows `what` (a string, or a function of
        the screen's text); the screen's text, or Timeout."""
        until = time.monotonic() + timeout
        while True:
            text = self.screen.text()
            if (what(text) if callable(what) else what in text):
                return text
            if not self.read(until):
                raise Timeout("waited %ds for %s; %s" % (
                    timeout, repr(what) if isinstance(what, str) else "the screen",
                    self.describe()))

    def settle(self, quiet=0.3, timeout=WAIT):
        """Reads until mutt has drawn nothing for `quiet` seconds."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if not self.read(min(until, time.monotonic() + quiet)):
                return
        raise Timeout("mutt kept drawing for %ds" % timeout)

    def answer(self):
        """Says yes to a question on the last line."""
        lines = self.screen.text().splitlines()
        if lines and re.search(r"\(\[?yes\]?/\[?no\]?\):?\s*$", lines[-1]):
            self.send("y")

    def wait_exit(self, timeout=WAIT):
        return super().wait_exit(timeout, "mutt", self.answer)


def utf8_locale():
    """A UTF-8 locale this system has, or None."""
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True,
                               timeout=WAIT).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    for want in ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"):
        if want in names:
            return want
    return next((n for n in names if n.lower().endswith((".utf8", ".utf-8"))), None)


def pick(db):
    """The Inbox message with some body text and the most attachments with
    names that are not ASCII, then the most attachments; and its mailbox:
    (alias, inbox messages, message)."""
    rows = db.execute(
        "SELECT r.alias, f.id AS folder, m.id FROM messages m "
        "JOIN folders f ON f.id = m.folder_id JOIN recipients r ON r.id = f.mailbox_id "
        "WHERE f.special = 'inbox' AND trim(coalesce(m.body, '')) != '' "
        "AND m.parent_id IS NULL "
        "ORDER BY m.id").fetchall()
    assert rows, "the store has no Inbox message with body text to open"

    def rank(row):
        names = [n for n, _, _ in attachments(db, row["id"])]
        return (-sum(not n.isascii() for n in names), -len(names), row["id"])
    row = min(rows, key=rank)
    msgs = db.execute("SELECT id, subject, body FROM messages WHERE folder_id = ? "
                      "AND parent_id IS NULL ORDER BY id", (row["folder"],)).fetchall()
    return row["alias"], msgs, next(m for m in msgs if m["id"] == row["id"])


def main():
    checks = Checks(WHOLE_RUN)
    db = open_store(STORE)
    try:
        alias, inbox, msg = pick(db)
    except AssertionError as e:
        print("FAIL choosing a message:", e)
        sys.exit(1)
    files = attachments(db, msg["id"])
    msg_uid = next(u for u, i in uid_map(db).items() if i == msg["id"])
    loc = utf8_locale()

    def shown(s):
        """What of s to look for: all of it in a UTF-8 locale, else only ASCII."""
        return s if (loc or s.isascii()) else None

    muttrc = os.path.join(TMP, "muttrc")
    with open(muttrc, "w") as f:
        f.write('set folder="%s"\n' % TMP
                + 'set sort=date\n'
                  'set index_format="%4C %Z %s"\n'
                  'set attach_format="%4n %d"\n'
                  'set mailcap_path=/dev/null\n'
                  'set sleep_time=0\n'
                  'set wait_key=no\n'
                  'ignore *\n'
                  'unignore from: date: subject:\n')
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": TMP, "TERM": "xterm",
           "LC_ALL": loc or "C"}
    print("mutt -f %s/%s, %d messages, message %d with %d attachments, locale %s"
          % (ROOT, alias, len(inbox), msg["id"], len(files), env["LC_ALL"]))
    m = Mutt(os.path.join(ROOT, alias), muttrc, max(24, len(inbox) + 6), env)
    pager = []   # the screen of the open message
    try:
        def index():
            m.wait_for("Msgs:")
            m.settle()
            text = m.screen.text()
            got = re.search(r"Msgs:(\d+)", text)
            assert got and int(got.group(1)) == len(inbox), \
                "the index counts %s messages, the Inbox has %d:\n%s" % (
                    got and got.group(1), len(inbox), text)
            for s in inbox:
                want = shown(s["subject"] or "")
                assert want is None or want in text, \
                    "subject %r of message %d not in the index:\n%s" % (want, s["id"], text)

        def open_message():
            m.send("l")
            m.wait_for("Limit to messages matching:")
            m.send("~i ccmig\\.%s@\r" % msg_uid)
            m.wait_for("Msgs:1/")   # one message shown of the folder's
            m.settle()
            m.send("\r")
            m.wait_for("Subject:")
            m.settle()
            text = m.screen.text()
            subject = shown(msg["subject"] or "")
            assert subject is None or ("Subject: " + subject) in text, \
                "the pager does not show 'Subject: %s':\n%s" % (subject, text)
            pager.append(text)
            line = next(l.strip() for l in msg["body"].splitlines() if l.strip())
            line = shown(" ".join(line.split())[:60])
            flat = " ".join(text.split())
            assert line is None or line in flat, \
                "the pager does not show the body's first line %r:\n%s" % (line, text)

        def pager_no_cr():
            assert "^M" not in pager[0], \
                "the pager shows ^M, a CR before a line's end:\n%s" % pager[0]

        def attachment_menu():
            m.send("v")
            m.wait_for("Attachments")
            m.settle()
            text = m.screen.text()
            for name, _, _ in files:
                want = shown(name)
                assert want is None or want in text, \
                    "attachment %r not in the attachment menu:\n%s" % (want, text)

        def quit_():
            m.send("q")
            m.settle()
            m.send("q")
            m.settle()
            m.send("q")
            assert m.wait_exit() == 0, "mutt exited with status %s" % m.status

        steps = [("index shows the Inbox", index),
                 ("message shows subject and body", open_message),
                 ("attachment menu lists the attachments", attachment_menu),
                 ("quits with status 0", quit_),
                 ("the pager shows no ^M", pager_no_cr)]
        for name, fn in steps:
            if not checks.run(name, fn):
                break   # the next step starts where this one ends
    finally:
        m.kill()
    checks.finish(len(steps))


main()
