"""ptylib.py: an interactive program on a pseudo-terminal, and named checks,
for the tests that drive one (repl_pty.py, mutt_pty.py). Every wait is
bounded, so that a program that hangs fails the test instead of CI.
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


class Timeout(Exception):
    pass


class Pty:
    """argv[0] (found on PATH when it has no '/') run with env on a new
    pseudo-terminal of rows x cols. What it writes goes to self.output()."""

    def __init__(self, argv, env, rows=24, cols=80):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.status = None

    def output(self, data):
        """Takes what the program wrote; subclasses keep it."""

    def send(self, s):
        os.write(self.fd, s.encode())

    def read(self, deadline):
        """Reads once, waiting until the monotonic deadline at the most:
        True when something came, False when nothing did, None when the
        program has closed the terminal."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.fd], [], [], left)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the program is gone
            return None
        if not data:
            return None
        self.output(data)
        return True

    def wait_exit(self, timeout, what="the program", meanwhile=None):
        """Waits for the program to exit, reading what it writes (and
        calling meanwhile() between reads); its exit status, or Timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            if meanwhile:
                meanwhile()
            self.read(min(deadline, time.monotonic() + 0.1))
        raise Timeout("%s did not exit; %s" % (what, self.describe()))

    def describe(self):
        """What the program last showed, for messages."""
        return "no output kept"

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)


class Checks:
    """Named checks: run() records each as passed or failed with why;
    finish() prints one line per check and exits 1 if any failed."""

    def __init__(self, whole_run):
        self.results = []
        signal.signal(signal.SIGALRM, lambda *a: (print("FAIL: whole run timed out"),
                                                  os._exit(1)))
        signal.alarm(whole_run)

    def run(self, name, fn):
        """Runs fn; True when it passed."""
        try:
            fn()
            self.results.append((name, None))
            return True
        except (Timeout, AssertionError) as e:
            self.results.append((name, str(e) or "assertion failed"))
            return False

    def finish(self, expected=0):
        """Exits 1 when a check failed or fewer than `expected` ran."""
        failed = 0
        for name, why in self.results:
            if why is None:
                print("ok", name)
            else:
                failed += 1
                print("FAIL %s: %s" % (name, why))
        sys.exit(1 if failed or len(self.results) < expected else 0)
