#!/usr/bin/env python3
"""progress_pty.py: every long command shows its progress on a terminal,
and only there unless told.

Usage: python3 progress_pty.py CCMIG TMPDIR

For each command (gen, extract, import, migrate, verify, dirsync, export
to Maildir and mbox), four runs: on a pseudo-terminal the progress line
shows (what it is doing, the items, the rate); --no-progress silences it
there; through a pipe nothing shows; --progress forces it into the pipe.
Prints one line per check and exits 1 if any failed; every wait is
bounded.
"""
import os
import subprocess
import sys

from ptylib import Checks, Pty

CCMIG, TMP = sys.argv[1], sys.argv[2]
RUN_TIMEOUT = 120


class Run(Pty):
    def __init__(self, argv):
        super().__init__(argv, dict(os.environ, TERM="xterm", LC_ALL="C"))
        self.buf = b""

    def output(self, data):
        self.buf += data

    def describe(self):
        return "output %r" % self.buf[-300:]


def on_pty(argv):
    """What argv wrote to its terminal (stdout and stderr), and its status."""
    p = Run(argv)
    try:
        status = p.wait_exit(RUN_TIMEOUT, argv[1])
        while p.read(0) or False:
            pass
        return p.buf.decode("utf-8", "replace"), status
    finally:
        p.kill()


def on_pipe(argv):
    """What argv wrote to stderr through a pipe, and its status."""
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=RUN_TIMEOUT)
    return r.stderr.decode("utf-8", "replace"), r.returncode


def p(name):
    return os.path.join(TMP, name)


# Each command with a target of its own per run (i: the run's number);
# what a command reads, the one before made.
COMMANDS = [
    ("gen", "writing the post office",
     lambda i: ["gen", p("po%d" % i), "--users", "30", "--messages", "8", "--seed", "7"]),
    ("extract", "extracting",
     lambda i: ["extract", p("po1"), "-o", p("set%d" % i)]),
    ("import", "importing",
     lambda i: ["import", p("set1/SALESPO.pkl"), "--store", p("i%d.db" % i)]),
    ("migrate", "importing",
     lambda i: ["migrate", p("po1"), "--store", p("m%d.db" % i)]),
    ("verify", "verifying",
     lambda i: ["verify", p("po1"), "--store", p("m1.db")]),
    ("dirsync", "synchronising the directory",
     lambda i: ["dirsync", p("po1"), "--store", p("d%d.db" % i)]),
    ("export --maildir", "exporting to Maildir",
     lambda i: ["export", "--store", p("m1.db"), "--maildir", p("md%d" % i)]),
    ("export --mbox", "exporting to mbox",
     lambda i: ["export", "--store", p("m1.db"), "--mbox", p("mb%d" % i)]),
]


def shown(text, doing):
    """A progress line of `doing`, with its items counted."""
    i = text.find("\r%s: " % doing)
    return i >= 0 and text[i + len(doing) + 3:i + len(doing) + 4].isdigit()


def main():
    checks = Checks(600)
    for name, doing, args in COMMANDS:
        def tty(name=name, doing=doing, args=args):
            out, status = on_pty([CCMIG] + args(1))
            assert status in (0, 1), "%s exited %s: %s" % (name, status, out[-300:])
            assert shown(out, doing), "no '%s:' progress line: %r" % (doing, out[-300:])
            # The line is cleared before the summary is printed.
            assert "\r\033[K" in out, "the progress line was not cleared"

        def tty_off(name=name, doing=doing, args=args):
            out, status = on_pty([CCMIG] + args(2) + ["--no-progress"])
            assert status in (0, 1), "%s exited %s: %s" % (name, status, out[-300:])
            assert "\r" + doing not in out, "progress shown with --no-progress"

        def pipe(name=name, doing=doing, args=args):
            err, status = on_pipe([CCMIG] + args(3))
            assert status in (0, 1), "%s exited %s: %s" % (name, status, err[-300:])
            assert doing + ":" not in err and "\r" not in err, \
                "progress shown in a pipe: %r" % err[-200:]

        def pipe_forced(name=name, doing=doing, args=args):
            err, status = on_pipe([CCMIG] + args(4) + ["--progress"])
            assert status in (0, 1), "%s exited %s: %s" % (name, status, err[-300:])
            assert shown(err, doing), "--progress did not show it in a pipe: %r" % err[-200:]

        checks.run(name + " shows progress on a terminal", tty)
        checks.run(name + " --no-progress is quiet on a terminal", tty_off)
        checks.run(name + " is quiet in a pipe", pipe)
        checks.run(name + " --progress shows it in a pipe", pipe_forced)
    checks.finish(expected=4 * len(COMMANDS))


main()
