"""report.py: a benchmark's results as RESULTS.md (tables to read) and
results.json (everything, each run included, for programs)."""

import json
import os

MB = 1e6
GIB = 1 << 30

# What each stage is, in the order the tables show them.
STAGES = [
    ("wc", "`wc -l` over the bundle's files: the read limit"),
    ("inspect", "the reader over the whole bundle (`ccmig inspect`)"),
    ("extract", "post office to migration files"),
    ("import", "migration files into a new store"),
    ("baseline_spool", "the import's rows written to a spool (not timed against)"),
    ("baseline", "SQLite alone inserting the import's rows and blobs"),
    ("migrate", "extract and import in one step"),
    ("migrate_again", "migrate again into the store it made: everything already there"),
    ("report", "the report of that store as one web page (`ccmig report --html`)"),
    ("migrate_policy", "migrate with a policy whose user and message hooks take everything"),
    ("export_maildir", "the store as Maildir++"),
    ("maildir_copy", "`cp -r` of that Maildir: the machine's floor"),
    ("export_pst", "the store as PST files, one per mailbox"),
    ("export_mbox", "the store as mboxrd files (the baselines' input)"),
    ("mb2md", "mb2md converting those mbox files to Maildir"),
    ("python_mailbox", "Python's mailbox module doing the same"),
]
BIG = ["big_inspect", "big_extract", "big_import", "big_migrate",
       "big_export_maildir", "big_export_pst"]
HUGE = [("huge_migrate", "the post office with one 3,300 MiB attachment into a new store"),
        ("huge_export_pst", "that store as PST files: one past 3 GiB"),
        ("huge_pffexport", "libpff's pffexport reading that PST back")]


def write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def _secs(x):
    """Seconds, with the precision a short stage needs."""
    return "%.3f s" % x if x < 1 else "%.2f s" % x


def _mb(n):
    return "%.0f MB" % (n / MB) if n >= 10 * MB else "%.1f MB" % (n / MB)


def _rate(name, st, data):
    """The rate a stage is judged by, in the unit that suits it."""
    po = data["post_offices"].get(st.get("po", ""), {})
    f = data["facts"]
    w = st["wall"]
    if w < 0.01:
        return "too short to tell"
    if name in ("import", "baseline") and "messages" in f:
        return "%.0f messages/s, %.0f MB/s of migration files" % (
            f["messages"] / w, f["set_bytes"] / MB / w)
    if name in ("export_maildir", "maildir_copy") and "maildir_bytes" in f:
        return "%.0f messages/s, %.0f MB/s written" % (
            f.get("messages", 0) / w, f["maildir_bytes"] / MB / w)
    if name in ("export_mbox", "mb2md", "python_mailbox") and "mbox_bytes" in f:
        return "%.0f messages/s, %.0f MB/s of mbox" % (
            f.get("messages", 0) / w, f["mbox_bytes"] / MB / w)
    if name == "export_pst" and "pst_bytes" in f:
        return "%.0f messages/s, %.0f MB/s written" % (
            f.get("messages", 0) / w, f["pst_bytes"] / MB / w)
    if name in ("huge_export_pst", "huge_pffexport") and "huge_pst_bytes" in f:
        return "%.0f MB/s of PST" % (f["huge_pst_bytes"] / MB / w)
    if name == "report" and "report_bytes" in f:
        return "a page of %.2f MB" % (f["report_bytes"] / MB)
    if po and name != "baseline_spool":
        return "%.0f MB/s of post office" % (po["bytes"] / MB / w)
    return ""


def _stage_rows(names, data):
    s = data["stages"]
    rows = []
    for name, what in names:
        if name not in s:
            continue
        st = s[name]
        rows.append("| %s | %s | `%s` | %d | %s | %s | %.1f MiB | %s |"
                    % (name, what, st["argv"], st["n"], _secs(st["wall"]),
                       _secs(st["cpu"]), st["rss_mib"], _rate(name, st, data)))
    return rows


def _machine(m):
    d = m["disk"]
    disk = "%s (%s, %s GB, %s GB free%s%s)" % (
        d["device"], d["fs"], d["size_gb"], d["free_gb"],
        ", rotational" if d.get("rotational") == "1" else "",
        ", " + d["model"] if d.get("model") else "")
    probe = m.get("probe")
    if probe:
        disk += ": writes %d MB/s (%d MiB, fdatasync), reads %d MB/s from " \
                "the page cache" % (probe["write_mb_s"], probe["probe_mib"],
                                    probe["cached_read_mb_s"])
    return [
        "| | |", "|---|---|",
        "| processor | %s, %d cores |" % (m["cpu"], m["cores"]),
        "| memory | %.1f GiB |" % m["memory_gib"],
        "| disk | %s |" % disk,
        "| system | %s, Linux %s |" % (m["os"], m["kernel"]),
        "| load average | %.2f at the start, %.2f at the end |"
        % (m["load_at_start"], m.get("load_at_end", 0.0)),
        "| software | %s; %s; SQLite %s; Python %s; mb2md %s |"
        % (m["ccmig"], m["cc"], m["sqlite"], m["python"], m["mb2md"]),
        "| commit | %s |" % m["commit"],
        "| date | %s |" % m["date"],
    ]


def _post_offices(data):
    rows = ["| post office | `ccmig gen` options | users | mailboxes | "
            "messages | attachments | size |", "|---|---|---|---|---|---|---|"]
    # The main one first, then the large attachment, then scaling's.
    names = sorted(data["post_offices"],
                   key=lambda n: (n != "main", n != "big", n))
    for name in names:
        po = data["post_offices"][name]
        rows.append("| %s | `--seed %d %s` | %d | %d | %d | %d | %s (%.2f GiB) |"
                    % (name, po["seed"], " ".join(po["options"]), po["users"],
                       po["mailboxes"], po["messages"], po["attachments"],
                       _mb(po["bytes"]), po["bytes"] / GIB))
    return rows


def _scaling(data):
    rows = data.get("scaling") or []
    s = data["stages"]
    if not rows:
        return []
    out = ["| size | post office | messages | migrate | s/GB | peak RSS | "
           "export --maildir | s/GB | peak RSS |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m, e = s[r["migrate"]], s[r["export_maildir"]]
        gb = r["bytes"] / 1e9
        out.append("| %dx | %s (%s) | %d | %s | %.2f | %.1f MiB | %s "
                   "| %.2f | %.1f MiB |"
                   % (r["factor"], r["po"], _mb(r["bytes"]), r["messages"],
                      _secs(m["wall"]), m["wall"] / gb, m["rss_mib"],
                      _secs(e["wall"]), e["wall"] / gb, e["rss_mib"]))
    return out


def markdown(data, notes, changes):
    """RESULTS.md as a string: data as stages.Bench and bench/run record it,
    `notes` a list of lines on the choices made, `changes` the text of
    bench/changes.md (what each change to ccmig bought)."""
    m = data["machine"]
    runs = data["runs"]
    overhead = data["facts"].get("removing_s", 0) + sum(
        r.get("sync_s", 0) for st in data["stages"].values() for r in st["runs"])
    head = ("medians of %d runs" % runs) if runs > 1 else "one run each"
    lines = [
        "# ccmig benchmark results",
        "",
        "Written by `bench/run%s` (%s mode, %s; peak memory is the highest "
        "of the runs) on %s in %.1f minutes, %.1f of them removing outputs "
        "and syncing between runs. docs/bench.md says what each stage "
        "measures and how to read this file."
        % ("" if data["mode"] == "full" else " --quick", data["mode"], head,
           m["date"], data["elapsed_s"] / 60.0, overhead / 60.0),
        "",
        "## Machine", "",
    ] + _machine(m) + [
        "", "## Targets", "",
        "| target | measured | verdict |", "|---|---|---|",
    ]
    for t in data["targets"]:
        verdict = "**%s**" % t["verdict"] if not t["met"] else t["verdict"]
        measured = t["measured"]
        if t.get("floor"):
            measured += "; " + t["floor"]
        lines.append("| %s | %s | %s |" % (t["title"], measured, verdict))
    lines += ["", "## Post offices", ""] + _post_offices(data)
    lines += ["", "## Stages", "",
              "Wall and CPU time are medians; CPU time is user plus system "
              "time, so CPU above wall means more than one core at work.", "",
              "| stage | what | command | runs | wall | CPU | peak RSS | rate |",
              "|---|---|---|---|---|---|---|---|"]
    lines += _stage_rows(STAGES, data)
    big = [(n, "the %s post office: %s" % (data["big_label"],
                                           n[4:].replace("_", " --")))
           for n in BIG]
    if any(n in data["stages"] for n in BIG):
        lines += ["", "## One %s attachment" % data["big_label"], "",
                  "| stage | what | command | runs | wall | CPU | peak RSS "
                  "| rate |", "|---|---|---|---|---|---|---|---|"]
        lines += _stage_rows(big, data)
    if any(n in data["stages"] for n, _ in HUGE):
        lines += ["", "## A PST past 3 GiB", "",
                  "| stage | what | command | runs | wall | CPU | peak RSS "
                  "| rate |", "|---|---|---|---|---|---|---|---|"]
        lines += _stage_rows(HUGE, data)
    scaling = _scaling(data)
    if scaling:
        lines += ["", "## Scaling", ""] + scaling
    lines += ["", "## Notes", ""] + ["- " + n for n in notes]
    if changes.strip():
        lines += ["", changes.strip()]
    return "\n".join(lines) + "\n"


def write_markdown(path, data, notes, changes):
    with open(path, "w") as f:
        f.write(markdown(data, notes, changes))


def read_changes(repo):
    """bench/changes.md, kept by hand, or "" when there is none."""
    try:
        with open(os.path.join(repo, "bench", "changes.md")) as f:
            return f.read()
    except OSError:
        return ""
