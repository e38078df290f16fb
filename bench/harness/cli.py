"""cli.py: bench/run's command line: builds ccmig for speed, generates the
post offices, runs every stage and writes RESULTS.md and results.json."""

import argparse
import json
import os
import subprocess
import sys
import time

import machine
import measure
import plan as plans
import report
import stages
import targets

USAGE = """\
bench/run [--quick] [--work DIR] [--runs N] [--build-dir DIR] [--no-build]
          [--output DIR] [--only GROUPS] [--strict]
bench/run --render RESULTS_JSON

Builds a Release ccmig, generates the post offices with `ccmig gen` at a
fixed seed (kept in the work folder and reused while the options and the
generator stay the same), runs every stage as a process of its own and
writes RESULTS.md and results.json: bench/ for the full run, the work
folder for --quick and --only. docs/bench.md explains the stages and the
results."""

GROUPS = ("main", "big", "scaling", "merge")


def parse(argv):
    p = argparse.ArgumentParser(prog="bench/run", usage=USAGE)
    p.add_argument("--quick", action="store_true",
                   help="a small post office, one run per stage (a smoke run)")
    p.add_argument("--work", help="work folder (default /tmp/ccmig-bench, "
                   "or /tmp/ccmig-bench-quick)")
    p.add_argument("--runs", type=int, help="runs per stage (full: 3, quick: 1)")
    p.add_argument("--build-dir", help="the build to measure (default "
                   "build-bench in the repository)")
    p.add_argument("--no-build", action="store_true",
                   help="use the build as it is (it must have ccmig and "
                   "store_baseline)")
    p.add_argument("--output", help="where RESULTS.md and results.json go")
    p.add_argument("--only", default=",".join(GROUPS),
                   help="comma-separated groups to run: main, big, scaling, "
                   "merge (scaling needs main)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when a target is missed")
    p.add_argument("--render", metavar="RESULTS_JSON",
                   help="run nothing: judge the targets again and rewrite "
                   "RESULTS.md beside this results.json (after editing "
                   "bench/changes.md, say)")
    args = p.parse_args(argv)
    args.only = [g.strip() for g in args.only.split(",") if g.strip()]
    bad = [g for g in args.only if g not in GROUPS]
    if bad or ("scaling" in args.only and "main" not in args.only):
        p.error("--only takes main, big, scaling and merge (scaling with main)")
    if args.runs is not None and args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def build(repo, build_dir, say):
    """A Release build of ccmig and the bench programs, without the tests."""
    say("building %s (Release)" % build_dir)
    subprocess.run([os.path.join(repo, "scripts", "build"), build_dir,
                    "-DCMAKE_BUILD_TYPE=Release", "-DCCMIG_TESTS=OFF",
                    "-DCCMIG_BENCH=ON"], check=True, stdout=subprocess.DEVNULL)


def prepare_work(work):
    """The work folder: post offices kept, earlier outputs and temporary
    files (of a run that was stopped) removed."""
    os.makedirs(os.path.join(work, "po"), exist_ok=True)
    for sub in ("out", "tmp"):
        subprocess.run(["rm", "-rf", os.path.join(work, sub)], check=True)
        os.makedirs(os.path.join(work, sub))
    open(os.path.join(work, "bench.log"), "w").close()


def write_results(output, data, plan, repo):
    """Judges the targets and writes results.json and RESULTS.md into
    output."""
    data["targets"] = targets.evaluate(data)
    os.makedirs(output, exist_ok=True)
    report.write_json(os.path.join(output, "results.json"), data)
    report.write_markdown(os.path.join(output, "RESULTS.md"), data,
                          plans.notes(plan), report.read_changes(repo))


def render(path, repo):
    """--render: the results of an earlier run written again."""
    with open(path) as f:
        data = json.load(f)
    plan = dict(plans.QUICK if data["mode"] == "quick" else plans.FULL,
                runs=data["runs"], once=tuple(data.get("once", ())))
    write_results(os.path.dirname(os.path.abspath(path)), data, plan, repo)
    return 0


def main(argv):
    args = parse(argv)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    if args.render:
        return render(args.render, repo)
    plan = dict(plans.QUICK if args.quick else plans.FULL)
    if args.runs:
        plan["runs"] = args.runs
        plan["once"] = ()
    work = os.path.abspath(args.work or ("/tmp/ccmig-bench-quick" if args.quick
                                         else "/tmp/ccmig-bench"))
    build_dir = os.path.abspath(args.build_dir or os.path.join(repo, "build-bench"))
    # A part of a run never takes the place of bench/RESULTS.md.
    partial = len(args.only) < len(GROUPS)
    output = os.path.abspath(args.output or (
        work if plan["results"] == "work" or partial
        else os.path.join(repo, "bench")))
    started = time.monotonic()

    def say(text):
        print("[%6.1f s] %s" % (time.monotonic() - started, text), flush=True)

    subprocess.run([os.path.join(repo, "scripts", "install-deps")], check=True)
    if not args.no_build:
        build(repo, build_dir, say)
    prepare_work(work)
    b = stages.Bench(repo, build_dir, work, plan, say)
    mach = machine.describe(repo, work, b.ccmig)
    mach["probe"] = machine.disk_probe(b.out, plan["disk_probe_mib"])
    say("disk: writes %(write_mb_s)d MB/s, cached reads %(cached_read_mb_s)d MB/s"
        % mach["probe"])
    try:
        if "main" in args.only:
            main_po = b.post_office("main", plan["main"])
            stages.run_main(b, main_po)
        if "big" in args.only:
            stages.run_big(b, b.post_office("big", plan["big"]))
            if plan.get("huge"):
                stages.run_huge_pst(b, b.post_office("huge", plan["huge"]))
        if "scaling" in args.only:
            stages.run_scaling(b, main_po)
        if "merge" in args.only:
            stages.run_merge(b)
    except measure.StageFailed as e:
        print("bench/run: %s" % e, file=sys.stderr)
        return 2
    finally:
        subprocess.run(["rm", "-rf", b.out], check=False)
    mach["load_at_end"] = machine.load_now()
    data = dict(b.results, machine=mach, mode=plan["mode"], runs=plan["runs"],
                once=list(plan.get("once", ())), big_label=plan["big_label"],
                elapsed_s=round(time.monotonic() - started, 1))
    write_results(output, data, plan, repo)
    for t in data["targets"]:
        say("%-25s %s: %s" % (t["verdict"], t["title"], t["measured"]))
    say("wrote %s and %s" % (os.path.join(output, "RESULTS.md"),
                             os.path.join(output, "results.json")))
    missed = [t for t in data["targets"] if not t["met"]]
    return 1 if args.strict and missed else 0
