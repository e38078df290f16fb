"""stages.py: the stages of the benchmark, each program run as a process of
its own: the reader against `wc -l`, extract, import against the SQLite
baseline, migrate, the report, the exports against mb2md and Python's mailbox module,
the post office with one large attachment, a PST past 3 GiB read back
by pffexport (the full run), scaling, and the merge of job stores."""

import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
import time

import corpus
import measure
import plan as plans

# ccmig exits 1 when it finished but reported something (the generated
# post offices hold R8 settings folders, which are skipped and reported).
CCMIG_OK = (0, 1)


class Bench:
    """One benchmark run: where the programs and the work folder are, how
    many runs each stage gets, and the results so far (self.results)."""

    def __init__(self, repo, build, work, plan, say):
        self.repo = repo
        self.ccmig = os.path.join(build, "ccmig")
        self.baseline = os.path.join(build, "store_baseline")
        self.work = work
        self.plan = plan
        self.runs = plan["runs"]
        self.say = say
        self.out = os.path.join(work, "out")
        self.log = os.path.join(work, "bench.log")
        # Temporary files of ccmig (migrate's migration files, spooled
        # bodies) go to the work folder's disk, where everything else is.
        self.tmp = os.path.join(work, "tmp")
        self.env = dict(os.environ, TMPDIR=self.tmp)
        self.results = {"post_offices": {}, "stages": {}, "facts": {}}
        self.trashed = 0

    def path(self, *parts):
        return os.path.join(self.out, *parts)

    # Outputs of tens of thousands of files: the Maildirs.
    ASIDE = ("maildir", "maildir-copy", "mb2md", "pymaildir", "big-maildir",
             "scale-maildir")

    def clean(self, *names):
        """Clears outputs under the out folder before a run. The Maildirs
        (ASIDE) are moved aside into out/.trash, which goes when the
        benchmark ends: just after tens of thousands of files are removed,
        ext4 will not reuse the inodes freed and searches past them, so
        each run of a Maildir stage was slower than the one before (export
        6.0, 10.0, 13.1 s). Everything else (stores, migration file sets)
        is removed at once (rm, faster than Python's rmtree), so that its
        memory in the page cache is used again: kept aside, a set made
        extract's writes slower; so are the Maildirs when less than 8 GiB
        is free."""
        start = time.perf_counter()
        paths = [self.path(n) for n in names if os.path.lexists(self.path(n))]
        folders = [self.path(n) for n in names
                   if n in self.ASIDE and os.path.isdir(self.path(n))]
        if folders and shutil.disk_usage(self.out).free >= 8 << 30:
            self.trashed += 1
            trash = self.path(".trash", str(self.trashed))
            os.makedirs(trash)
            for p in folders:
                os.rename(p, os.path.join(trash, os.path.basename(p)))
            paths = [p for p in paths if p not in folders]
        if paths:
            subprocess.run(["rm", "-rf", "--"] + paths, check=True)
        facts = self.results["facts"]
        facts["removing_s"] = round(facts.get("removing_s", 0)
                                    + time.perf_counter() - start, 3)

    def shown(self, argv):
        """A command line as the report shows it: paths of the work folder
        relative to it, ccmig's own name for the program."""
        def one(a):
            if a == self.ccmig:
                return "ccmig"
            if a.startswith(self.work + os.sep):
                return os.path.relpath(a, self.work)
            if a.startswith(self.repo + os.sep):
                return os.path.relpath(a, self.repo)
            return a
        return " ".join(one(a) for a in argv)

    def stage(self, name, argv, ok=CCMIG_OK, clean=(), runs=None, shown=None,
              **info):
        """Runs one stage `runs` times (the plan's by default), removing the
        `clean` outputs before each run, and records it under `name` with
        the command line (`shown`, or argv made short) and the extra
        `info`. Returns its summary."""
        if runs is None:
            runs = 1 if name in self.plan.get("once", ()) else self.runs
        result = measure.series(argv, runs, self.log, ok=ok,
                                env=self.env,
                                prepare=lambda: self.clean(*clean))
        result["argv"] = shown or self.shown(argv)
        result["ccmig"] = argv[0] == self.ccmig
        result.update(info)
        self.results["stages"][name] = result
        self.say("  %-22s %d run%s  %8.2f s  CPU %7.2f s  peak %7.1f MiB"
                 % (name, result["n"], "" if result["n"] == 1 else "s",
                    result["wall"], result["cpu"], result["rss_mib"]))
        return result

    def post_office(self, name, options):
        po = corpus.ensure(self.ccmig, self.repo, os.path.join(self.work, "po"),
                           name, options, self.plan["seed"], self.log)
        self.results["post_offices"][name] = {
            k: v for k, v in po.items() if k not in ("files", "path")}
        return po


def _pkl(set_dir):
    found = glob.glob(os.path.join(set_dir, "*.pkl"))
    if len(found) != 1:
        raise measure.StageFailed("expected one packing list in %s, found %d"
                                  % (set_dir, len(found)))
    return found[0]


def _count(store, table):
    with contextlib.closing(sqlite3.connect("file:%s?mode=ro" % store,
                                            uri=True)) as db:
        return db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]


def run_main(b, po):
    """Every stage over the main post office."""
    ccmig, tz, out = b.ccmig, po["time_zone"], b.path
    facts = b.results["facts"]
    b.say("main post office: %s, %d messages, %.0f MB"
          % (po["name"], po["messages"], po["bytes"] / 1e6))
    # Reading: ccmig's reader over the bundle, against reading the same
    # files with wc -l (a read of every byte with next to no work).
    b.stage("wc", ["wc", "-l", "--"] + po["files"], ok=(0,), po="main",
            shown="wc -l -- (the %d files of po/%s)" % (len(po["files"]),
                                                        po["name"]))
    b.stage("inspect", [ccmig, "inspect", po["path"]], po="main")

    b.stage("extract", [ccmig, "extract", po["path"], "-o", out("set")],
            clean=["set"], po="main")
    facts["set_bytes"] = corpus.tree_bytes(out("set"))
    b.stage("import", [ccmig, "import", _pkl(out("set")), "--store",
                       out("import.db"), "--time-zone", tz],
            clean=["import.db", "import.db-wal", "import.db-shm"], po="main")
    facts["messages"] = _count(out("import.db"), "messages")
    facts["store_bytes"] = os.path.getsize(out("import.db"))
    b.clean("set")

    # The SQLite baseline: the import's rows and blobs, spooled once, then
    # inserted into a fresh store by a program that does nothing else.
    b.stage("baseline_spool", [b.baseline, "spool", out("import.db"),
                               out("spool")], ok=(0,), runs=1, po="main")
    b.stage("baseline", [b.baseline, "insert", out("spool"),
                         out("baseline.db")], ok=(0,),
            clean=["baseline.db", "baseline.db-wal", "baseline.db-shm"],
            po="main")
    b.clean("spool", "baseline.db")

    b.stage("migrate", [ccmig, "migrate", po["path"], "--store",
                        out("migrate.db")],
            clean=["migrate.db", "migrate.db-wal", "migrate.db-shm"],
            po="main")
    # The same migrate again, into the store the last run made: every
    # message is known by its source identity and already there.
    b.stage("migrate_again", [ccmig, "migrate", po["path"], "--store",
                              out("migrate.db")], po="main")
    # The report of that store as one web page: what a person opens.
    b.stage("report", [ccmig, "report", "--store", out("migrate.db"),
                       "--html", out("report.html")],
            clean=["report.html"], po="main")
    facts["report_bytes"] = os.path.getsize(out("report.html"))
    b.clean("migrate.db", "migrate.db-wal", "migrate.db-shm", "report.html")
    # The same migrate with a policy whose hooks take everything: what
    # handing every user and message (measured, with its addresses and
    # attachments) to Lua costs.
    b.stage("migrate_policy", [ccmig, "migrate", po["path"], "--store",
                               out("policy.db"), "--policy",
                               os.path.join(b.repo, "bench", "policy-true.lua")],
            clean=["policy.db", "policy.db-wal", "policy.db-shm"], po="main")
    b.clean("policy.db", "policy.db-wal", "policy.db-shm")

    b.stage("export_maildir", [ccmig, "export", "--store", out("import.db"),
                               "--maildir", out("maildir"), "--time-zone", tz],
            clean=["maildir"], po="main")
    facts["maildir_bytes"] = corpus.tree_bytes(out("maildir"))
    # The floor of any Maildir writer on this machine: copying the very
    # files ccmig wrote (from the page cache) into a new tree.
    b.stage("maildir_copy", ["cp", "-r", out("maildir"), out("maildir-copy")],
            ok=(0,), clean=["maildir-copy"], po="main")
    b.clean("maildir", "maildir-copy")
    # The same messages as PST files, one per mailbox: judged against the
    # Maildir export of the same store just before.
    b.stage("export_pst", [ccmig, "export", "--store", out("import.db"),
                           "--pst", out("pst")],
            clean=["pst"], po="main")
    facts["pst_bytes"] = corpus.tree_bytes(out("pst"))
    b.clean("pst")

    # The mbox of the same messages that the baselines convert: ccmig's
    # own, one mboxrd file per folder, which both converters read as a tree.
    b.stage("export_mbox", [ccmig, "export", "--store", out("import.db"),
                            "--mbox", out("mbox"), "--time-zone", tz],
            clean=["mbox"], po="main")
    facts["mbox_bytes"] = corpus.tree_bytes(out("mbox"))
    b.stage("mb2md", ["mb2md", "-s", out("mbox"), "-R", "-d", out("mb2md")],
            ok=(0,), clean=["mb2md"], po="main")
    b.clean("mb2md")
    b.stage("python_mailbox", ["/usr/bin/python3",
                               os.path.join(b.repo, "bench", "mbox2maildir.py"),
                               out("mbox"), out("pymaildir")],
            ok=(0,), clean=["pymaildir"], po="main")
    b.clean("pymaildir", "mbox", "import.db")


def run_big(b, po):
    """The stages over the post office holding one large attachment: time,
    and above all memory."""
    ccmig, tz, out = b.ccmig, po["time_zone"], b.path
    b.say("large attachment post office: %.0f MB" % (po["bytes"] / 1e6))
    b.stage("big_inspect", [ccmig, "inspect", po["path"]], po="big")
    b.stage("big_extract", [ccmig, "extract", po["path"], "-o", out("big-set")],
            clean=["big-set"], po="big")
    b.stage("big_import", [ccmig, "import", _pkl(out("big-set")), "--store",
                           out("big.db"), "--time-zone", tz],
            clean=["big.db", "big.db-wal", "big.db-shm"], po="big")
    b.clean("big-set")
    b.stage("big_migrate", [ccmig, "migrate", po["path"], "--store",
                            out("big-migrate.db")],
            clean=["big-migrate.db", "big-migrate.db-wal",
                   "big-migrate.db-shm"], po="big")
    b.clean("big-migrate.db")
    b.stage("big_export_maildir", [ccmig, "export", "--store", out("big.db"),
                                   "--maildir", out("big-maildir"),
                                   "--time-zone", tz],
            clean=["big-maildir"], po="big")
    b.clean("big-maildir")
    b.stage("big_export_pst", [ccmig, "export", "--store", out("big.db"),
                               "--pst", out("big-pst")],
            clean=["big-pst"], po="big")
    b.clean("big-pst", "big.db")


def _largest(root, suffix=""):
    """The path and size of the largest file under root whose name ends
    with suffix, or (None, 0)."""
    sizes = [(os.path.getsize(f), f) for f in corpus.files_of(root)
             if f.endswith(suffix) and not os.path.islink(f)]
    if not sizes:
        return None, 0
    size, path = max(sizes)
    return path, size


def run_huge_pst(b, po):
    """A PST past 3 GiB (the mailbox holding the huge attachment), written
    and read back by libpff's pffexport: the file's size, the time of
    each, and the largest file pffexport wrote, which is the attachment
    whole when the file reads back."""
    ccmig, out, facts = b.ccmig, b.path, b.results["facts"]
    b.say("huge PST post office: %.0f MB" % (po["bytes"] / 1e6))
    b.stage("huge_migrate", [ccmig, "migrate", po["path"], "--store",
                             out("huge.db")], runs=1,
            clean=["huge.db", "huge.db-wal", "huge.db-shm"], po="huge")
    b.stage("huge_export_pst", [ccmig, "export", "--store", out("huge.db"),
                                "--pst", out("huge-pst")], runs=1,
            clean=["huge-pst"], po="huge")
    b.clean("huge.db", "huge.db-wal", "huge.db-shm")
    pst, facts["huge_pst_bytes"] = _largest(out("huge-pst"), ".pst")
    if pst is None:
        raise measure.StageFailed("ccmig export --pst wrote no PST file in %s"
                                  % out("huge-pst"))
    # pffexport -t T writes into T.export.
    b.stage("huge_pffexport", ["pffexport", "-q", "-t", out("huge-read"), pst],
            ok=(0,), runs=1, clean=["huge-read.export"], po="huge")
    facts["huge_read_largest_bytes"] = _largest(out("huge-read.export"))[1]
    facts["huge_attachment_bytes"] = b.plan["huge_attachment_bytes"]
    b.clean("huge-pst", "huge-read.export")


def run_scaling(b, main_po):
    """migrate and export --maildir at 1x, 4x and 16x; 16x is the main post
    office, whose stages ran already."""
    ccmig, out = b.ccmig, b.path
    rows = []
    for factor in plans.SCALE_FACTORS:
        if factor == plans.SCALE_BASE:
            po, migrate, export = main_po, "migrate", "export_maildir"
        else:
            po = b.post_office("scale-%dx" % factor,
                               plans.scale_options(b.plan, factor))
            migrate = "scale%dx_migrate" % factor
            export = "scale%dx_export_maildir" % factor
            b.say("scaling %dx: %.0f MB" % (factor, po["bytes"] / 1e6))
            b.stage(migrate, [ccmig, "migrate", po["path"], "--store",
                              out("scale.db")],
                    clean=["scale.db", "scale.db-wal", "scale.db-shm"],
                    po=po["name"])
            b.stage(export, [ccmig, "export", "--store", out("scale.db"),
                             "--maildir", out("scale-maildir"),
                             "--time-zone", po["time_zone"]],
                    clean=["scale-maildir"], po=po["name"])
            b.clean("scale.db", "scale-maildir")
        rows.append({"factor": factor, "po": po["name"], "bytes": po["bytes"],
                     "messages": po["messages"], "migrate": migrate,
                     "export_maildir": export})
    b.results["scaling"] = rows


def run_merge(b):
    """ccmig merge of 4, 8 and 16 job stores into a new store: 16 post
    offices of 1/16 the main one's users (16 parts are its size), each
    migrated into a store of its own once (not timed), as jobs would."""
    ccmig, out = b.ccmig, b.path
    parts = []
    for i in range(max(plans.MERGE_PARTS)):
        po = corpus.ensure(ccmig, b.repo, os.path.join(b.work, "po"),
                           "job-%02d" % (i + 1), plans.merge_options(b.plan, i),
                           b.plan["seed"] + i, b.log)
        part = out("job-%02d.db" % (i + 1))
        b.clean(os.path.basename(part))
        with open(b.log, "ab") as log:
            r = subprocess.run([ccmig, "migrate", po["path"], "--store", part],
                               stdout=log, stderr=log, env=b.env)
        if r.returncode not in CCMIG_OK:
            raise measure.StageFailed("ccmig migrate %s failed (exit %d)"
                                      % (po["path"], r.returncode))
        parts.append(part)
    b.say("merge: %d job stores of %d messages in all"
          % (len(parts), sum(_count(p, "source_messages") for p in parts)))
    rows = []
    for n in plans.MERGE_PARTS:
        name = "merge%d" % n
        b.stage(name, [ccmig, "merge", "--store", out("merged.db")] + parts[:n],
                ok=(0,), clean=["merged.db", "merged.db-wal", "merged.db-shm",
                                "merged.db.lock", "merged.db.merging"],
                po="job", shown="ccmig merge --store out/merged.db "
                "out/job-01.db ... out/job-%02d.db" % n)
        rows.append({"parts": n, "stage": name,
                     "messages": _count(out("merged.db"), "messages"),
                     "bytes": sum(os.path.getsize(p) for p in parts[:n])})
    b.clean("merged.db", *[os.path.basename(p) for p in parts])
    b.results["merge"] = rows
