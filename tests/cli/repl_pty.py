#!/usr/bin/env python3
"""repl_pty.py: drives `ccmig repl` through a pseudo-terminal.

Usage: python3 repl_pty.py CCMIG TMPDIR [PO_DIR]
With PO_DIR (once the ccmig module has ccmig.open), also completes the
methods of `po`.
Prints one line per check ("ok NAME" / "FAIL NAME: why") and exits 1 if any
check failed. Every wait is bounded (EXPECT_TIMEOUT per wait, and an alarm
for the whole run), so it cannot hang CI.
"""
import os
import re
import sys
import time

from ptylib import Checks, Pty, Timeout

EXPECT_TIMEOUT = 10
WHOLE_RUN = 120

CCMIG, TMP = sys.argv[1], sys.argv[2]
PO_DIR = sys.argv[3] if len(sys.argv) > 3 else None
HIST = os.path.join(TMP, "history")
checks = None


class Session(Pty):
    def __init__(self, *args):
        env = dict(os.environ, TERM="xterm", HOME=TMP, CCMIG_HISTORY=HIST,
                   LC_ALL="C")
        env.pop("EDITRC", None)
        super().__init__([CCMIG, "repl", *args], env)
        self.buf = b""

    def output(self, data):
        self.buf += data

    def describe(self):
        return "output %r" % self.buf[-300:]

    def send(self, s):
        time.sleep(0.05)  # let the line editor settle after its prompt
        super().send(s)

    def expect(self, pattern, timeout=EXPECT_TIMEOUT):
        """Waits for the regex; consumes the output up to the match."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            got = self.read(deadline)
            if not got:
                raise Timeout("waited for %r, got %r" % (pattern, self.buf[-300:]))

    def wait_exit(self, timeout=EXPECT_TIMEOUT):
        return super().wait_exit(timeout, "the REPL")


PROMPT = r"ccmig> "
PROMPT2 = r"ccmig>> "
NL = r"\r?\n"


def check(name, fn):
    checks.run(name, fn)


def session_one():
    s = Session()
    try:
        def prompt():
            s.expect("ccmig repl")
            s.expect(PROMPT)

        def expr():
            s.send("=1+1\r")
            s.expect(NL + "2" + NL)
            s.expect(PROMPT)

        def return_first():
            s.send("x = 3\r")
            s.expect(PROMPT)
            s.send("x\r")
            s.expect(NL + "3" + NL)
            s.expect(PROMPT)

        def multi_line():
            s.send("for i=1,2 do\r")
            s.expect(PROMPT2)
            s.send("print(i*10)\r")
            s.expect(PROMPT2)
            s.send("end\r")
            s.expect(NL + "10" + NL + "20" + NL)
            s.expect(PROMPT)

        def table():
            s.send("{a=1, b={2,3}, s='q'}\r")
            s.expect(re.escape('{ a = 1, b = { 2, 3 }, s = "q" }'))
            s.expect(PROMPT)

        def error_goes_on():
            s.send("error('oops')\r")
            s.expect("oops")
            s.expect(PROMPT)
            s.send("=x+1\r")
            s.expect(NL + "4" + NL)
            s.expect(PROMPT)

        def ctrl_c_running():
            s.send("while true do end\r")
            time.sleep(0.5)
            s.send("\x03")
            s.expect("interrupted")
            s.expect(PROMPT)
            s.send("=x*2\r")
            s.expect(NL + "6" + NL)
            s.expect(PROMPT)

        def ctrl_c_prompt():
            s.send("abc")
            time.sleep(0.2)
            s.send("\x03")
            s.expect(PROMPT)
            s.send("for i=1,2 do\r")
            s.expect(PROMPT2)
            s.send("\x03")
            s.expect(PROMPT)
            s.send("=5\r")
            s.expect(NL + "5" + NL)
            s.expect(PROMPT)

        def complete_global():
            s.send("str\t")
            s.expect("ing")  # the line is redrawn: "str", then "ing"
            s.send(".rep('ab', 2)\r")
            s.expect(NL + '"abab"' + NL)
            s.expect(PROMPT)

        def complete_method():
            s.send("obj = setmetatable({}, {__index = {hello = function() "
                   "return 'hi' end}})\r")
            s.expect(PROMPT)
            s.send("obj:hel\t")
            s.expect("lo")
            s.send("()\r")
            s.expect(NL + '"hi"' + NL)
            s.expect(PROMPT)

        def help_():
            s.send(".help\r")
            s.expect("Commands:")
            s.expect(r"\.quit")
            s.expect(PROMPT)

        def quit_and_history():
            s.send(".quit\r")
            assert s.wait_exit() == 0, "exit status %s" % s.status
            text = open(HIST, "rb").read()
            assert b"while" in text and b".quit" in text, "history %r" % text[:200]

        for name, fn in [("prompt", prompt), ("=expr", expr),
                         ("return first", return_first),
                         ("multi-line", multi_line), ("table", table),
                         ("error goes on", error_goes_on),
                         ("Ctrl-C stops the chunk", ctrl_c_running),
                         ("Ctrl-C at the prompt", ctrl_c_prompt),
                         ("completes a global", complete_global),
                         ("completes a method", complete_method),
                         (".help", help_),
                         (".quit writes history", quit_and_history)]:
            check(name, fn)
    finally:
        s.kill()


def session_two():
    s = Session()
    try:
        def history_loaded():
            s.expect(PROMPT)
            s.send("\x1b[A")  # up arrow: the last line, .quit
            s.expect(r"\.quit")
            s.send("\r")
            assert s.wait_exit() == 0, "exit status %s" % s.status

        check("history loaded", history_loaded)
    finally:
        s.kill()


def session_three():
    s = Session()
    try:
        def eof_exits():
            s.expect(PROMPT)
            s.send("\x04")
            assert s.wait_exit() == 0, "exit status %s" % s.status

        check("Ctrl-D exits", eof_exits)
    finally:
        s.kill()


def session_po():
    s = Session(PO_DIR)
    try:
        def po_methods():
            s.expect(r"po = ")
            s.expect(PROMPT)
            s.send("po:mess\t")
            s.expect("ages")  # po:messages, from the class's methods
            s.send("\x15=po ~= nil\r")  # Ctrl-U: kill the line
            s.expect(NL + "true" + NL)
            s.send(".quit\r")
            assert s.wait_exit() == 0, "exit status %s" % s.status

        check("completes po's methods", po_methods)
    finally:
        s.kill()


def main():
    global checks
    checks = Checks(WHOLE_RUN)
    session_one()
    session_two()
    session_three()
    if PO_DIR:
        session_po()
    checks.finish()


main()
