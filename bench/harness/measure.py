"""measure.py: runs a program as a process of its own and measures its wall
time, CPU time and peak resident memory; medians over several runs."""

import os
import statistics
import subprocess
import time


class StageFailed(Exception):
    """A measured program failed: the message names it, its exit status
    and the end of what it printed."""


def _tail(path, lines=15):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4096))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# GNU time reports the program's peak memory. The kernel keeps the highest
# resident size a process ever had, including the copy of its parent it
# was before exec(), so the parent must be small: this harness, in Python,
# would add 20 MiB to every figure; GNU time adds about 2.
TIME = "/usr/bin/time"


def run(argv, log, ok=(0,), env=None):
    """Runs argv once, stdin from /dev/null, stdout and stderr appended to
    the file `log` after a `$ argv` line. Returns a dict: wall (seconds,
    from start to exit), user, sys and cpu (seconds of CPU), rss_mib (the
    process's peak resident set, MiB) and status. Raises StageFailed when
    the exit status is not in `ok`.

    Dirty pages of earlier work are written out first (sync), so that a
    run does not pay for the one before it. argv must be the program
    itself, never a shell that starts it, or the figures are the shell's."""
    synced = time.perf_counter()
    os.sync()
    synced = time.perf_counter() - synced
    usage_file = log + ".time"
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(argv) + "\n").encode())
        out.flush()
        start = time.perf_counter()
        status = subprocess.run([TIME, "-o", usage_file, "-f", "%x %U %S %M",
                                 "--"] + list(argv),
                                stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env).returncode
        wall = time.perf_counter() - start
    with open(usage_file) as f:
        # A program killed by a signal makes GNU time write a line about
        # it first; the figures are on the last line.
        fields = f.read().split("\n")[-2].split()
    os.remove(usage_file)
    if status not in ok or len(fields) != 4:
        raise StageFailed("%s exited with status %d; the end of %s:\n%s"
                          % (" ".join(argv), status, log, _tail(log)))
    user, sys_, rss_kib = float(fields[1]), float(fields[2]), int(fields[3])
    return {
        "wall": round(wall, 4),
        "user": user,
        "sys": sys_,
        "cpu": round(user + sys_, 4),
        "rss_mib": round(rss_kib / 1024.0, 2),
        "status": status,
        "sync_s": round(synced, 3),
    }


def summarise(runs):
    """The summary of a stage's runs: the medians of wall and CPU time, and
    the highest peak memory of any run (memory is held to a ceiling, so the
    worst run is the one that counts)."""
    return {
        "n": len(runs),
        "wall": round(statistics.median(r["wall"] for r in runs), 4),
        "cpu": round(statistics.median(r["cpu"] for r in runs), 4),
        "rss_mib": max(r["rss_mib"] for r in runs),
        "runs": runs,
    }


def series(argv, n, log, ok=(0,), env=None, prepare=None):
    """Runs argv n times, calling prepare() (untimed) before each run, for
    instance to remove the previous run's output. Returns summarise()'s
    dict with the command line under "argv"."""
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        if prepare:
            prepare()
        prepared = time.perf_counter() - start
        runs.append(run(argv, log, ok=ok, env=env))
        # What the run cost besides itself, which the budget of a whole
        # benchmark has to pay: removing outputs can take longer than
        # writing them.
        runs[-1]["prepare_s"] = round(prepared, 3)
    result = summarise(runs)
    result["argv"] = argv
    return result
