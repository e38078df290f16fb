"""help.py: every command's --help lists every option it takes, and the
top-level usage every command with its main options; so do the bash
completion and the manual page.

Run as: python3 help.py CCMIG SOURCE_DIR. OPTIONS below is the one list
of what each command takes; the test fails when a command's --help, its
source, the options it accepts, the top-level usage, the bash
completion or the manual page disagree with it. A new option goes here,
in the command's --help, in scripts/completion/ccmig and in docs/ccmig.1,
or this test says which is missing.
"""
import os, re, subprocess, sys, tempfile

CCMIG, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

# Every option of every command; '=' marks one that takes a value.
SHARED_EXTRACT = ["--code-page=", "--no-mail", "--keep-r8-folders", "--since=",
                  "--until="]
POLICY = ["--policy=", "--policy-arg="]
PROGRESS = ["--progress", "--no-progress"]
VERBOSE = ["--verbose"]
SHARE = ["--mailboxes=", "--shard="]
OPTIONS = {
    "inspect": ["--json"],
    "extract": ["-o=", "--output="] + POLICY + SHARED_EXTRACT + PROGRESS + VERBOSE,
    "check": ["--json"],
    "import": ["--store=", "--create-mailboxes", "--time-zone="] + POLICY + PROGRESS
              + VERBOSE,
    "migrate": ["--store=", "--keep-files=", "--create-mailboxes"] + POLICY
               + SHARED_EXTRACT + SHARE + PROGRESS + VERBOSE,
    "dirsync": ["--store=", "--display-rule=", "--alias-rule="] + PROGRESS,
    "verify": ["--store=", "--list", "--json"] + SHARE + PROGRESS,
    "export": ["--store=", "--maildir=", "--mbox=", "--pst=", "--imap=", "--time-zone=",
               "--imap-credentials=", "--imap-connections=", "--imap-ca=",
               "--imap-insecure", "--imap-timeout=", "--imap-oauth-token-command=",
               "--imap-oauth-token-file=", "--imap-retry-budget=", "--imap-max-rate=",
               "--public-folder=", "--max-message-size=", "--target=",
               "--split-attachments"] + PROGRESS + VERBOSE,
    "stat": ["--store=", "--json", "--csv"],
    "report": ["--store=", "--html=", "--csv=", "--json"],
    "plan": ["--jobs=", "-o=", "--output=", "--by=", "--stores=", "--force"],
    "job": [],
    "merge": ["--store="] + PROGRESS,
    "repl": [],
    "run": [],
    "gen": ["--seed=", "--users=", "--messages=", "--max-attachment=",
            "--attachment-share=", "--encoding=", "--no-item-sizes",
            "--code-page=", "--date-order=", "--time-zone=", "--post-office=",
            "--big-attachment=", "--defects=", "--force"] + PROGRESS,
}
# The options the top-level usage shows beside each command.
MAIN = {
    "inspect": ["--json"],
    "extract": ["-o", "--policy", "--since", "--until", "--no-mail"],
    "check": ["--json"],
    "import": ["--store", "--policy", "--create-mailboxes"],
    "migrate": ["--store", "--policy", "--since", "--until", "--no-mail",
                "--keep-files", "--mailboxes", "--shard"],
    "plan": ["--jobs", "-o", "--by", "--stores", "--force"],
    "dirsync": ["--store"],
    "verify": ["--store", "--json", "--mailboxes", "--shard"],
    "export": ["--store", "--maildir", "--mbox", "--pst", "--imap", "--imap-credentials"],
    "stat": ["--store", "--json", "--csv"],
    "report": ["--store", "--html", "--csv", "--json"],
    "merge": ["--store"],
    "gen": ["--users", "--messages", "--seed"],
}
HELP = {"-h", "--help"}
# What a command hands to the commands it runs: their options, not its own
# (a job runs migrate, verify and export with the arguments its plan says).
PASSED = {"job": {"--store", "--mailboxes"}}

fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg, file=sys.stderr)


def names(opts):
    return {o.rstrip("=") for o in opts}


def mentioned(text):
    """The options a text names: --word, and -x standing alone."""
    long = re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", text)
    short = re.findall(r"(?<![\w-])(-[a-zA-Z])(?![\w-])", text)
    return set(long) | set(short)


def run(*args, cwd=None):
    return subprocess.run([CCMIG, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


# The top-level usage: every command, and its main options on its lines.
for args, status, stream in (((), 2, "stderr"), (("--help",), 0, "stdout")):
    r = run(*args)
    text = getattr(r, stream)
    if r.returncode != status:
        fail("ccmig %s: exit %d, wanted %d" % (" ".join(args), r.returncode, status))
    blocks = re.split(r"\n  ccmig ", text)
    for cmd in OPTIONS:
        block = next((b for b in blocks if b.startswith(cmd + " ")
                      or b.startswith(cmd + "\n")), None)
        if block is None:
            fail("top-level usage does not list '%s'" % cmd)
            continue
        for o in set(MAIN.get(cmd, [])) - mentioned(block):
            fail("top-level usage of '%s' leaves out %s" % (cmd, o))
        for o in mentioned(block) - names(OPTIONS[cmd]):
            fail("top-level usage of '%s' shows %s, which it does not take"
                 % (cmd, o))
    if "--version" not in text:
        fail("top-level usage leaves out --version")

r = run("--version")
if r.returncode != 0 or not re.match(r"ccmig \d+\.\d+\.\d+ \(Lua 5\.4\)\n$", r.stdout):
    fail("ccmig --version: %d %r" % (r.returncode, r.stdout))


def sources(cmd):
    """cmd_<name>.c and the argument helpers of bindings/cli it includes."""
    cli = os.path.join(SRC, "bindings", "cli")
    files = [os.path.join(cli, "cmd_%s.c" % cmd)]
    text = open(files[0]).read()
    for h in re.findall(r'#include "(\w+)\.h"', text):
        c = os.path.join(cli, h + ".c")
        # progress.c's options are a command's only when it asks it.
        if h == "progress" and "ccm_progress_option" not in text:
            continue
        if os.path.exists(c) and h != "commands":
            files.append(c)
    return files


with tempfile.TemporaryDirectory() as tmp:
    for cmd, opts in OPTIONS.items():
        r = run(cmd, "--help")
        if r.returncode != 0:
            fail("%s --help: exit %d" % (cmd, r.returncode))
        shown = mentioned(r.stdout) - HELP
        for o in sorted(names(opts) - shown):
            fail("%s --help leaves out %s" % (cmd, o))
        for o in sorted(shown - names(opts)):
            fail("%s --help names %s, which is not in this test's list" % (cmd, o))
        # Every option the source compares an argument with is listed.
        for f in sources(cmd):
            found = set(re.findall(r'"(--?[a-z][a-z0-9-]*)"', open(f).read()))
            for o in sorted(found - names(opts) - HELP - PASSED.get(cmd, set())):
                fail("%s: %s takes %s, which is not in this test's list"
                     % (os.path.relpath(f, SRC), cmd, o))
        # Every listed option is taken: given alone (with a value when it
        # wants one), the command complains of something else, never of
        # the option. No post office or store is given, so nothing runs.
        for o in opts:
            name = o.rstrip("=")
            args = [cmd, name] + (["x"] if o.endswith("=") else [])
            if cmd in ("repl", "run"):
                break
            r = run(*args, cwd=tmp)
            if re.search(r"(unknown option|unexpected) '%s'" % re.escape(name), r.stderr):
                fail("%s does not take %s: %s" % (cmd, name, r.stderr.strip()))
            if r.returncode != 2:
                fail("%s %s alone: exit %d, wanted 2 (bad usage)"
                     % (cmd, name, r.returncode))

    # The bash completion offers the same: every command, and each
    # command's options.
    comp = os.path.join(SRC, "scripts", "completion", "ccmig")

    def complete(*words):
        script = ('. "%s" || exit 3; COMP_WORDS=(ccmig %s); COMP_CWORD=%d; _ccmig; '
                  'printf "%%s\\n" "${COMPREPLY[@]}"'
                  % (comp, " ".join("'%s'" % w for w in words), len(words)))
        r = subprocess.run(["bash", "-c", script], capture_output=True,
                           text=True, timeout=30, cwd=tmp)
        if r.returncode != 0:
            fail("completion of %r: %s" % (words, r.stderr.strip()))
        return set(r.stdout.split())

    got = complete("")
    for cmd in OPTIONS:
        if cmd not in got:
            fail("bash completion does not offer '%s'" % cmd)
    for cmd, opts in OPTIONS.items():
        got = {o for o in complete(cmd, "-") if o.startswith("-")} - HELP
        want = names(opts)
        for o in sorted(want - got):
            fail("bash completion of '%s' leaves out %s" % (cmd, o))
        for o in sorted(got - want):
            fail("bash completion of '%s' offers %s, which it does not take"
                 % (cmd, o))

# The manual page: each command's section names every option it takes,
# and no other.
man = open(os.path.join(SRC, "docs", "ccmig.1")).read()
man = re.sub(r"\\f[BIRP]", "", man.replace("\\-", "-"))
sections = {}
for part in re.split(r'\n\.SS "ccmig ', man)[1:]:
    cmd = part.split(" ", 1)[0].split('"', 1)[0]
    sections[cmd] = re.split(r"\n\.SH ", part)[0]
for cmd, opts in OPTIONS.items():
    if cmd not in sections:
        fail("docs/ccmig.1 has no section for '%s'" % cmd)
        continue
    shown = mentioned(sections[cmd])
    for o in sorted(names(opts) - shown):
        fail("docs/ccmig.1 leaves out %s of '%s'" % (o, cmd))
    for o in sorted(shown - names(opts) - HELP):
        fail("docs/ccmig.1 names %s under '%s', which it does not take" % (o, cmd))

print("help: %d failures" % fails)
sys.exit(1 if fails else 0)
