#!/usr/bin/python3
# run_catalogue.py: runs every case of the hostile-input catalogue and
# checks what came of it.
#
#   run_catalogue.py CCMIG DIR [--show] [--jobs N] [--table FILE] [--docs FILE]
#                    [--steps-only] [NAME-PREFIX...]
#
# --show prints what each command said; --steps-only runs the cases'
# commands and checks (a) to (c) only, for tests that want the stores the
# cases leave (tests/cli/export_pst_hostile.sh); --table writes the outcome of
# every case as Markdown table rows; --docs rewrites the case tables of
# docs/hostile-input.md with them (a new group needs a table there first).
# For each case (see make_catalogue.py) it runs the case's commands with
# the case's out/ folder as the only place to write, and checks:
#  (a) each command ended by itself with a documented status (0, 1, 2):
#      no signal, no sanitizer report, no hang;
#  (b) the status the case documents;
#  (c) the case's expected text: a clear message, naming the file and
#      byte offset where the documentation says so;
#  (d) the store passes PRAGMA integrity_check and foreign_key_check;
#      everyone else migrated (each other mailbox holds as many messages
#      as a migration of the intact post office, and `ccmig verify` finds
#      nothing wrong with them); each message of the hostile user is
#      either in the store or named in the run's report; where the run
#      failed as a whole, running again with the cause removed finishes
#      and verifies (checks.py);
#  (e) nothing made, changed or removed outside out/, nor in /tmp; an
#      export writes only in its own folder.
# Prints one line per case (its outcome) and every failure; exits 1 when
# any check failed.
import concurrent.futures
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import sandbox  # noqa: E402
from catalogue import ZONE  # noqa: E402

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                       r"runtime error:|ThreadSanitizer")
# Under the sanitizers everything runs several times slower.
TIMEOUT = int(os.environ.get("HOSTILE_TIMEOUT", "120"))


def run(ccmig, args, env, cwd, timeout):
    t0 = time.monotonic()
    try:
        p = subprocess.run([ccmig] + args, env=env, cwd=cwd, capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "hang", e.stdout or b"", e.stderr or b""
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), \
        time.monotonic() - t0


def copy_file(src, dst):
    """A copy of src at dst; a named pipe is made anew (it holds no data)."""
    if stat.S_ISFIFO(os.lstat(src).st_mode):
        os.mkfifo(dst)
    else:
        shutil.copy2(src, dst)


def reports(out):
    """{path: modification time} of the run reports under out: a store's
    <store>.report/*.txt and a set's ccmig-report.txt."""
    found = {}
    for d, _, files in os.walk(out):
        for f in files:
            p = os.path.join(d, f)
            if (d.endswith(".report") and f.endswith(".txt")) or f == "ccmig-report.txt":
                try:
                    found[p] = os.lstat(p).st_mtime_ns
                except OSError:
                    pass
    return found


def new_reports(out, before):
    """The text of the reports written since `before` (reports(out)): the
    terminal shows a summary, the report every event."""
    text = ""
    for p, t in sorted(reports(out).items()):
        if before.get(p) != t and os.path.isfile(p) and not os.path.islink(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                text += "\n" + f.read()
    return text


def subst(args, names):
    return [a.format(**names) for a in args]


def step_env(env, step, names):
    """The case's environment with what one step sets on top."""
    return dict(env, **{k: v.format(**names) for k, v in step.get("env", {}).items()})


class Result:
    def __init__(self, name):
        self.name, self.fails, self.lines, self.texts, self.seconds = name, [], [], [], 0.0

    def fail(self, text):
        self.fails.append(text)


def run_case(ccmig, root, cdir, show, steps_only=False):
    with open(os.path.join(cdir, "case.json")) as f:
        spec = json.load(f)
    r = Result(spec["name"])
    out = os.path.join(cdir, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "tmp"))
    # A set is imported where it lies (recovery files go next to its
    # packing list), so it is copied into out/ first, with what is beside it.
    if spec.get("copy_input"):
        shutil.copytree(os.path.join(cdir, "input"), out, symlinks=True, dirs_exist_ok=True,
                        copy_function=copy_file)
    names = {"case": cdir, "out": out, "po": os.path.join(cdir, "input", "po"),
             "pkl": os.path.join(out, "set", "SALESPO.pkl"),
             "input": os.path.join(cdir, "input"), "base": os.path.join(root, "base")}
    env = dict(os.environ, TMPDIR=os.path.join(out, "tmp"), LC_ALL="C.UTF-8")
    for k, v in spec.get("env", {}).items():
        env[k] = v.format(**names)
    watched = [cdir, os.path.join(root, "base")]
    # Around the case: the catalogue's folders and the one holding it.
    flat = [root, os.path.join(root, "cases"), os.path.dirname(root)]
    before = None if steps_only else sandbox.snapshot(watched, skip=[out], flat=flat)
    for st in spec["steps"]:
        args = subst(st["args"], names)
        limit = min(st.get("timeout") or TIMEOUT, TIMEOUT)
        had = reports(out)
        rc, so, se, secs = run(ccmig, args, step_env(env, st, names), out, limit)
        r.seconds += secs
        both = so + se + new_reports(out, had)
        r.texts.append(both)
        if show:
            print("==== %s: ccmig %s -> %s" % (spec["name"], " ".join(args), rc))
            print(both[:3000])
        if rc == "hang":
            r.fail("(a) %s did not end within %ss" % (args[0], limit))
        elif rc < 0 or rc not in (0, 1, 2):
            r.fail("(a) %s ended with %s" % (args[0], rc if rc >= 0 else "signal %d" % -rc))
        if SANITIZER.search(se):
            r.fail("(a) %s: sanitizer report:\n%s" % (args[0], se[-3000:]))
        if rc != st["status"]:
            r.fail("(b) %s exited %s, documented %s" % (args[0], rc, st["status"]))
        for pat in st["expect"]:
            if not re.search(pat, both):
                r.fail("(c) %s: no match for /%s/" % (args[0], pat))
        r.lines.append(summary_line(both, st["expect"]))
    if steps_only:
        return spec, r
    try:
        checks.after(ccmig, spec, names, env, r, run)
        for st in spec.get("rerun", []):
            checks.rerun(ccmig, st, names, step_env(env, st, names), r, run)
    except Exception:               # a check that cannot run is a failure too
        r.fail("checking failed: " + traceback.format_exc())
    after = sandbox.snapshot(watched, skip=[out], flat=flat)
    for d in sandbox.differences(before, after):
        r.fail("(e) outside the output folder: " + d)
    return spec, r


def summary_line(text, expect):
    """The report line the case's first expectation matched, for the docs."""
    for pat in expect:
        m = re.search(pat, text)
        if m:
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            return text[start:end if end >= 0 else None].strip()
    return ""


def option(argv, name, default):
    """The value of `--name VALUE` in argv (removed from it)."""
    if name not in argv:
        return default
    i = argv.index(name)
    value = argv[i + 1]
    del argv[i:i + 2]
    return value


def table_row(root, spec, r):
    """One Markdown row: case, input, exit status(es), what ccmig said."""
    said = next((line for line in r.lines if line), "")
    said = said.replace(os.path.join(root, "cases", spec["name"]) + "/", "")
    # Lua shortens a long chunk name to ".../tail".
    said = re.sub(r"\.\.\.[^ ']*/cases/%s/" % re.escape(spec["name"]), "", said)
    return "| `%s` | %s | %s | %s |" % (
        spec["name"], spec["what"].replace("|", "\\|"),
        " ".join(str(s["status"]) for s in spec["steps"]),
        ("`%s`" % said.replace("`", "'").replace("|", "\\|")[:160]) if said else "")


def update_docs(path, rows):
    """Rewrites the rows of every case table in Markdown file `path`: a
    table whose first row is a case of group G gets the rows of group G."""
    with open(path) as f:
        lines = f.read().split("\n")
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].startswith("| case |") and i + 2 < len(lines):
            out.append(lines[i + 1])
            i += 2
            first = re.match(r"\| `([^`]+)`", lines[i])
            group = next((g for g, name, _ in rows if first and name == first.group(1)), None)
            while i < len(lines) and lines[i].startswith("| `"):
                i += 1
            out.extend(row for g, _, row in sorted(rows, key=lambda x: x[1]) if g == group)
            continue
        i += 1
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    argv = sys.argv[1:]
    show = "--show" in argv
    steps_only = "--steps-only" in argv
    argv = [a for a in argv if a not in ("--show", "--steps-only")]
    jobs = int(option(argv, "--jobs", "1"))
    table = option(argv, "--table", None)
    docs = option(argv, "--docs", None)
    rows = []
    ccmig, root, only = os.path.abspath(argv[0]), os.path.abspath(argv[1]), argv[2:]
    cdirs = sorted(os.path.join(root, "cases", d) for d in os.listdir(os.path.join(root, "cases"))
                   if not only or any(d.startswith(o) for o in only))
    if not cdirs:
        sys.exit("no case in %s" % root)
    t0 = time.monotonic()
    failed = 0
    ref = os.path.join(root, "base", "ref.db")
    if not os.path.exists(ref) and not steps_only:
        subprocess.run([ccmig, "import", os.path.join(root, "base", "set", "SALESPO.pkl"),
                        "--store", ref] + ZONE, check=True, stdout=subprocess.DEVNULL)
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for spec, r in ex.map(lambda d: run_case(ccmig, root, d, show, steps_only), cdirs):
            st = " ".join(str(s["status"]) for s in spec["steps"])
            print("%-40s %s %-5s %5.2fs  %s" % (r.name, "FAIL" if r.fails else "ok  ", st,
                                              r.seconds, (r.lines or [""])[0][:150]))
            for f in r.fails:
                print("    " + f.replace("\n", "\n    "))
            failed += bool(r.fails)
            rows.append((spec["group"], spec["name"], table_row(root, spec, r)))
    strays = checks.escapes(root)
    for s in strays:
        print("(e) a file escaped: " + s)
    print("%d cases, %d failed, %.1fs" % (len(cdirs), failed, time.monotonic() - t0))
    if table:
        with open(table, "w") as f:
            f.write("\n".join(row for _, _, row in rows) + "\n")
    if docs:
        update_docs(docs, rows)
    sys.exit(1 if failed or strays else 0)


if __name__ == "__main__":
    main()
