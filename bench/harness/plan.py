"""plan.py: what each mode of bench/run generates and how often it runs
each stage."""

# ccmig gen draws attachment sizes log-uniformly between 1 byte and
# --max-attachment, so their mean is about max/ln(max): 526 KiB for 8 MiB.
# 10% of 100 000 messages with such attachments would be 5 GiB, not the
# 1 GiB the issue asks for. Size, message count and share of messages with
# attachments are what the rates depend on, so those are kept, and the
# largest ordinary attachment is 1 MiB (mean 75 KiB); the second post
# office holds the one 1 GiB attachment that large content is tested with.
MAIN = ["--users", "2000", "--messages", "45", "--max-attachment", "1M",
        "--attachment-share", "0.1"]
# Scaling runs at 1x, 4x and 16x a post office of 1/16 the users of MAIN,
# so that 16x is MAIN itself: 16x a 1 GiB post office (16 GiB, three
# times per stage) would not fit in the 15 minutes the full run may take.
SCALE_FACTORS = (1, 4, 16)
SCALE_BASE = 16
# ccmig merge of job stores: 16 post offices of 1/16 the users of MAIN
# (so 16 parts are MAIN's size), each migrated into a store of its own,
# merged 4, 8 and 16 at a time.
MERGE_PARTS = (4, 8, 16)


def merge_options(plan, i):
    """The gen options of job post office i (0-based) of the merge stage:
    MAIN's with 1/16 of its users and a name of its own."""
    opts = scale_options(plan, 1)
    return opts + ["--post-office", "JOB%02d" % (i + 1)]

FULL = {
    "mode": "full",
    "runs": 3,
    "seed": 1,
    "main": MAIN,
    "scale_users": 2000 // SCALE_BASE,
    "big": ["--users", "2", "--messages", "1", "--big-attachment", "1G"],
    "big_label": "1 GiB",
    # One mailbox holding a 3,300 MiB attachment: its PST passes 3 GiB
    # (and 2^31, where 32-bit offsets end), under the 4 GiB a PST node
    # holds. Written and read back once: each step moves 3.3 GB. Raw, so
    # that the store keeps the attachment's bytes alone (of a MacBinary
    # file it keeps the 128-byte header too) and the bytes pffexport
    # writes back can be compared with them.
    "huge": ["--users", "2", "--messages", "1", "--big-attachment", "3300M",
             "--encoding", "raw"],
    "huge_attachment_bytes": 3300 << 20,
    "disk_probe_mib": 1024,
    "results": "bench",      # RESULTS.md and results.json go here
    # Stages that run once: Python's mailbox takes minutes a run and is no
    # target's measure (it is compared, and loses by far more than runs
    # vary); the `cp -r` floor probes the machine, like the disk probe.
    # Each run of either also writes 83 000 files that take as long to
    # remove again, and the full run has 15 minutes.
    "once": ("python_mailbox", "maildir_copy"),
}

# A smoke run of every stage, one run each: under a minute with the build.
QUICK = {
    "mode": "quick",
    "runs": 1,
    "seed": 1,
    "main": ["--users", "96", "--messages", "25", "--max-attachment", "1M",
             "--attachment-share", "0.1"],
    "scale_users": 96 // SCALE_BASE,
    "big": ["--users", "2", "--messages", "1", "--big-attachment", "128M"],
    "big_label": "128 MiB",
    "disk_probe_mib": 64,
    "results": "work",       # beside the post offices, not in the tree
}


def scale_options(plan, factor):
    """The gen options of the scaling post office at `factor`: MAIN's with
    scale_users times factor users (16x is MAIN itself)."""
    opts = list(plan["main"])
    opts[opts.index("--users") + 1] = str(plan["scale_users"] * factor)
    return opts


def notes(plan):
    """The choices behind the numbers, for RESULTS.md."""
    out = [
        "The main post office keeps the issue's size (about 1 GiB), users "
        "(2,000, some without mail), message count (on the order of "
        "100,000) and share of messages with attachments (10%%), but its "
        "largest ordinary attachment is 1 MiB, not 8 MiB: `ccmig gen` draws "
        "sizes log-uniformly, so with 8 MiB the mean attachment is 526 KiB "
        "and 10%% of the messages alone would be about 5 GiB. Large content "
        "is what the post office with one %s attachment is for."
        % plan["big_label"],
        "Scaling runs at 1x, 4x and 16x a post office with 1/16 of the "
        "users: 16x is the main post office. 16x the 1 GiB one (16 GiB, and "
        "as much again in migration files and stores, three times over) "
        "would not fit in the 15 minutes a full run may take.",
        "Input is read from the page cache (the machine has the memory for "
        "it) and output goes to it; each run starts after a sync, so no run "
        "pays for the writes of the one before. The disk's own rate is the "
        "probe in the machine table.",
        "The SQLite baseline (`bench/store_baseline.c`) inserts every row "
        "of the store that the import made into a new store with the same "
        "schema, indexes and pragmas, one prepared INSERT per table, blob "
        "parts bound whole, committing every 256 MiB: the store's own "
        "limit. The mbox baselines read ccmig's own mbox export of the same "
        "messages (one mboxrd file per folder) as a tree: `mb2md -R` and "
        "`bench/mbox2maildir.py`.",
        "A run's Maildirs are moved aside before the next run, not "
        "removed, and all go when the benchmark ends: ext4 just after "
        "removing tens of thousands of files makes new ones slowly (it "
        "searches past the inodes just freed), which made each run of a "
        "Maildir stage slower than the one before.",
        "Timings taken while other work runs on the machine (see the load "
        "average) are slower than the machine can be.",
    ]
    if plan.get("once"):
        out.append("%s run once, the other stages %d times: Python's "
                   "mailbox takes minutes a run and is no target's measure; "
                   "the `cp -r` floor probes the machine, as the disk probe "
                   "does; and each run of either writes tens of thousands of "
                   "files that take as long again to remove."
                   % (" and ".join("`%s`" % n for n in plan["once"]),
                      plan["runs"]))
    if plan["mode"] == "quick":
        out.insert(0, "This is a smoke run: the post offices are too small "
                   "for the targets to mean anything.")
    return out
