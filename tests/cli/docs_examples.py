#!/usr/bin/env python3
"""docs_examples.py: every Lua example of docs/lua.md and docs/policies.md
runs, so that the documentation cannot drift from the program.

    docs_examples.py CCMIG DATA_DIR TMP_DIR

The examples name the site of the documentation: the post office
/srv/ccmail/SALESPO, the store /srv/migration/salespo.db, the users
"Smith, John" and "Grewal, Jeff". They run twice:
  - against tests/data/salespo, the post office they describe, where a
    line `print(...)  --> TEXT` must print TEXT (values joined by spaces);
  - against a post office `ccmig gen` makes, with the two users' names
    replaced by two of its users with mail (what is printed then is not
    checked, but every example must run to its end).
Paths under /srv and /tmp are moved under TMP_DIR. The ```lua scripts of
one file run in order in one `ccmig run`, each line at its line number in
the file (an error names the Markdown line); each ```lua policy runs
through `ccmig migrate` into a store of its own and must leave no
`policy-failed` in the report. The policies of docs/policies.md's "Five
policies" section run in site_policies.py, with their arguments and
checks. Prints "ok ..." / "FAIL ..." lines; exit status 1 on any failure.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_blocks import lua_blocks  # noqa: E402
import site_policies  # noqa: E402

CCMIG, DATA, TMP = sys.argv[1:4]
SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCS = ["docs/lua.md", "docs/policies.md"]
EXPECT = re.compile(r"^(\s*)print\((.*)\)\s*-->\s*(.*?)\s*$")
NAMES = ["Smith, John", "Grewal, Jeff"]
failures = []


def fail(what):
    failures.append(what)
    print("FAIL " + what)


def lua_string(s):
    return "[==[" + s + "]==]"


class Site:
    """One run of the examples: a root standing for /, a post office."""

    def __init__(self, label, po_src, names, check_output):
        self.label, self.check_output = label, check_output
        self.root = os.path.join(TMP, label)
        self.po = os.path.join(self.root, "srv", "ccmail", "SALESPO")
        for d in ("srv/migration", "srv/mail", "tmp"):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        shutil.copytree(po_src, self.po)
        self.names = names

    def rewrite(self, line):
        line = re.sub(r'"/(srv|tmp)/', lambda m: '"' + self.root + m.group(0)[1:], line)
        for doc_name, name in zip(NAMES, self.names):
            line = re.sub(re.escape(doc_name), name.replace("\\", "\\\\"), line,
                          flags=re.I)
        return line

    def script(self, doc, blocks, prelude):
        """The file's scripts, each line at its own line number."""
        out = []
        for b in blocks:
            code = b.code.split("\n")
            while len(out) < b.line - 1:
                out.append("")
            for i, text in enumerate(code):
                m = EXPECT.match(text)
                if m:
                    text = "%s__doc_expect(%d, %s, %s)" % (
                        m.group(1), b.line + i, lua_string(m.group(3)), m.group(2))
                elif "-->" in text:
                    raise ValueError("%s:%d: '-->' follows only a print(...) line"
                                     % (doc, b.line + i))
                out.append(self.rewrite(text))
        # The prelude goes on the first line, which is never code.
        out[0] = prelude + " " + out[0]
        return "\n".join(out) + "\n"

    def run_scripts(self, doc):
        blocks = lua_blocks(os.path.join(SRC, doc), "", doc)
        if not blocks:
            return
        prelude = ("local function __doc_expect(line, want, ...) "
                   "local got = {} for i = 1, select('#', ...) do "
                   "got[#got + 1] = tostring((select(i, ...))) end "
                   "print(('@@expect %d\\t%s\\t%s'):format(line, want, table.concat(got, ' '))) "
                   "end ")
        if doc.endswith("policies.md"):
            # docs/policies.md's examples take `po` and `st` as given.
            prelude += ("po = assert(ccmig.open(%s)) st = assert(ccmig.store(%s)) "
                        % (lua_string(self.po),
                           lua_string(os.path.join(self.root, "srv/migration/policies.db"))))
        run_dir = os.path.join(self.root, "run")
        os.makedirs(run_dir, exist_ok=True)
        path = os.path.join(run_dir, os.path.basename(doc))
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.script(doc, blocks, prelude))
        p = subprocess.run([CCMIG, "run", path], cwd=self.root, capture_output=True,
                           text=True, errors="replace", timeout=600)
        what = "%s: the scripts of %s (%d blocks)" % (self.label, doc, len(blocks))
        if p.returncode != 0:
            fail("%s exit %d (line numbers are %s's):\n%s" %
                 (what, p.returncode, doc, (p.stdout[-1500:] + p.stderr[-3000:])))
            return
        checked = 0
        for line in p.stdout.split("\n"):
            if not line.startswith("@@expect "):
                continue
            n, want, got = line[len("@@expect "):].split("\t", 2)
            if self.check_output and want.split() != got.split():
                fail("%s: %s:%s prints '%s', the documentation says '%s'"
                     % (self.label, doc, n, got, want))
            checked += 1
        print("ok %s%s" % (what, ", %d outputs checked" % checked
                           if self.check_output else ""))

    def migrate(self, store, *args):
        return subprocess.run([CCMIG, "migrate", self.po, "--store", store,
                               "--no-progress", *args], capture_output=True,
                              text=True, errors="replace", timeout=600)

    def run_policies(self, doc):
        """Each policy ends as a migration without it does (salespo has an
        error of its own: a mailbox not in the directory), and fails no hook."""
        skip = site_policies.SITE_HEADINGS
        base = self.migrate(os.path.join(self.root, "no-policy.db")).returncode
        for b in lua_blocks(os.path.join(SRC, doc), "policy", doc):
            if b.heading in skip:
                continue
            path = os.path.join(self.root, "policy-%d.lua" % b.line)
            with open(path, "w", encoding="utf-8") as f:
                f.write(b.code + "\n")
            store = os.path.join(self.root, "policy-%d.db" % b.line)
            p = self.migrate(store, "--policy", path)
            what = "%s: the policy at %s (%s)" % (self.label, b.where(), b.heading)
            if p.returncode != base or "policy-failed" in p.stdout + p.stderr:
                fail("%s: exit %d, %d without it\n%s" % (what, p.returncode, base, p.stdout[-1500:] + p.stderr[-1500:]))
            else:
                print("ok " + what)


def gen_users(po_dir):
    """Local users of a generated post office that have mail, from po.txt."""
    out = []
    with open(os.path.join(po_dir, "po.txt"), encoding="latin-1") as f:
        for line in f:
            m = re.match(r"^Mailbox:\s*(.*?)\s*=\s*(\S+)", line)
            if m and os.path.getsize(os.path.join(po_dir, m.group(2))) > 0 \
                    and re.fullmatch(r"[A-Za-z ,.'-]+", m.group(1)):
                out.append(m.group(1))
    return out


def main():
    gen_po = os.path.join(TMP, "gen-po")
    subprocess.run([CCMIG, "gen", gen_po, "--seed", "11", "--users", "10",
                    "--messages", "12", "--attachment-share", "0.4",
                    "--max-attachment", "96K", "--no-progress"], check=True,
                   capture_output=True)
    users = gen_users(gen_po)
    if len(users) < 2:
        fail("the generated post office has fewer than two users with mail")
        return 1
    sites = [Site("salespo", os.path.join(DATA, "salespo"), NAMES, True),
             Site("generated", gen_po, users[:2], False)]
    for site in sites:
        for doc in DOCS:
            try:
                site.run_scripts(doc)
            except ValueError as e:
                fail(str(e))
            site.run_policies(doc)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
