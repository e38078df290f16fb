"""sequences.py: random sequences of migrations over one store, the way
administrators run them (a pilot group, then everyone; a date window
narrowed; a policy fixed; an option added; two post offices into one
store; a run killed and the next one started), checked after every run.

After every run that finished: no message twice, no mailbox twice, the
store sound, and `ccmig verify --json` of every post office the store has
taken accounts for every message (nothing missing, different or extra).
After a run killed with SIGKILL (at a random fault point, inside extract
or import): no message twice, no mailbox twice, the store sound. At the
end, a run that takes everything gives a store equal to that of one fresh
run (store_dump.py: mailboxes, folders, messages, attachments, address
books, public folders; runs and decisions aside).

    python3 sequences.py CCMIG WORKDIR [SEQUENCES] [SEED]

The count defaults to $CCMIG_SEQ_SOAK, else 12. Prints one line per
sequence and a closing "N passed, N failed" line; exit 1 on any failure,
with the sequence's commands to run it again by hand.
"""
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import store_dump  # noqa: E402

POS = [  # (folder, gen options): small, every shape gen makes by default
    ("east", ["--users", "8", "--messages", "8", "--seed", "21", "--post-office", "EASTPO"]),
    ("west", ["--users", "6", "--messages", "10", "--seed", "22", "--post-office", "WESTPO",
              "--time-zone", "Europe/Paris"]),
]

# Policies as administrators write them; SEED varies each one's choices.
POLICIES = {
    "pilot": "return { user = function(u) return (#u.name + %(seed)d) %% 3 ~= 0 end }",
    "skip-some": "return { message = function(m) return (m.number + %(seed)d) %% 4 ~= 0 end }",
    "move": ("return { message = function(m) if (m.number + %(seed)d) %% 3 == 0 then "
             "return { folder = 'Moved\\\\From ' .. m.folder, subject = 'X ' .. m.subject, "
             "unread = true } end return true end }"),
    "rename": ("return { user = function(u) return { display_name = 'R%(seed)d ' .. u.name, "
               "alias = 'r%(seed)d' .. (#u.name) .. u.name:gsub('[^%%a]', ''):lower():sub(1, 6) } end }"),
    "folder-drop": ("return { folder = function(f, u) if (#u + %(seed)d) %% 2 == 0 and "
                    "f ~= 'Inbox' then return false end return f end }"),
}


class Failure(Exception):
    pass


def run(cmd, env=None, check_status=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = p.stdout.decode("utf-8", "replace")
    if check_status is not None and p.returncode not in check_status:
        raise Failure("exit %d from %s:\n%s" % (p.returncode, " ".join(cmd), out[-3000:]))
    return p.returncode, out


def duplicates(db_path):
    """What must never be: a message twice, a mailbox twice, a record
    pointing at a message twice, an unsound store."""
    db = sqlite3.connect(db_path)
    bad = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
    bad += ["foreign key: %r" % (r,) for r in db.execute("PRAGMA foreign_key_check")]
    bad += ["mailbox twice: %s at %s" % r[:2] for r in db.execute(
        "SELECT ccmail_name, ccmail_po, count(*) FROM recipients WHERE kind = 'mailbox' "
        "AND ccmail_name IS NOT NULL GROUP BY lower(ccmail_name), upper(ccmail_po) HAVING count(*) > 1")]
    bad += ["message %s is two source messages" % r[0] for r in db.execute(
        "SELECT message_id, count(*) FROM source_messages WHERE message_id IS NOT NULL "
        "GROUP BY message_id HAVING count(*) > 1")]
    bad += ["message stored twice in folder %s: %r" % (r[0], r[1]) for r in db.execute(
        "SELECT folder_id, subject, sent_utc, body, count(*) FROM messages "
        "WHERE parent_id IS NULL AND id NOT IN (SELECT message_id FROM source_messages WHERE message_id IS NOT NULL) "
        "AND id NOT IN (SELECT message_id FROM message_headers WHERE name = 'X-ccmig-generated') "
        "GROUP BY folder_id, subject, sent_utc, body HAVING count(*) > 1")]
    bad += ["message %s has no source record" % r[0] for r in db.execute(
        "SELECT id FROM messages WHERE parent_id IS NULL AND id NOT IN "
        "(SELECT message_id FROM source_messages "
        "WHERE message_id IS NOT NULL) AND id NOT IN (SELECT message_id FROM message_headers "
        "WHERE name = 'X-ccmig-generated')")]
    db.close()
    return bad


class Sequence:
    def __init__(self, ccmig, work, pos, rng, index):
        self.ccmig, self.work, self.pos, self.rng = ccmig, work, pos, rng
        self.dir = os.path.join(work, "seq%03d" % index)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.db = os.path.join(self.dir, "s.db")
        self.log = []
        self.taken = set()        # post offices a finished run has taken

    def policy(self, name):
        seed = self.rng.randrange(1000)
        path = os.path.join(self.dir, "%s-%d.lua" % (name, seed))
        with open(path, "w") as f:
            f.write(POLICIES[name] % {"seed": seed})
        return path

    def options(self):
        o = []
        if self.rng.random() < 0.3:
            o.append("--keep-r8-folders")
        r = self.rng.random()
        if r < 0.15:
            o.append("--no-mail")
        elif r < 0.45:
            y = self.rng.randrange(1996, 2002)
            o += [self.rng.choice(["--since", "--until"]), "%d-%02d-01" % (y, self.rng.randrange(1, 13))]
        for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
            o += ["--policy", self.policy(self.rng.choice(sorted(POLICIES)))]
        return o

    def command(self, po, opts):
        """One run: migrate, or extract then import (two-step)."""
        if self.rng.random() < 0.7:
            return [[self.ccmig, "migrate", po, "--store", self.db] + opts]
        n = len(self.log)
        set_dir = os.path.join(self.dir, "set%d" % n)
        pkl = "%s.pkl" % ("EASTPO" if po.endswith("east") else "WESTPO")
        pol = []
        for i, a in enumerate(opts):
            if a == "--policy":
                pol += ["--policy", opts[i + 1]]
        tz = ["--time-zone", "Europe/Paris" if po.endswith("west") else "America/New_York"]
        return [[self.ccmig, "extract", po, "-o", set_dir] + opts,
                [self.ccmig, "import", os.path.join(set_dir, pkl), "--store", self.db,
                 "--create-mailboxes"] + tz + pol]

    def step(self):
        po = self.rng.choice(self.pos)
        cmds = self.command(po, self.options())
        kill_at = self.rng.randrange(1, 120) if self.rng.random() < 0.35 else 0
        killed = False
        for i, cmd in enumerate(cmds):
            env = dict(os.environ)
            if kill_at and i == len(cmds) - 1:
                env["CCMIG_TEST_KILL_AT"] = str(kill_at)
            self.log.append(("CCMIG_TEST_KILL_AT=%d " % kill_at if kill_at and i == len(cmds) - 1
                             else "") + " ".join(cmd))
            status, out = run(cmd, env)
            if status == -9 or status == 137:
                killed = True
                break
            if status not in (0, 1):
                raise Failure("exit %d from %s:\n%s" % (status, " ".join(cmd), out[-3000:]))
        bad = duplicates(self.db) if os.path.exists(self.db) else []
        if bad:
            raise Failure("after %s:\n  %s" % (self.log[-1], "\n  ".join(bad[:10])))
        if not killed:
            self.taken.add(po)
            self.verify(self.taken)
        return killed

    def verify(self, pos):
        for po in sorted(pos):
            status, out = run([self.ccmig, "verify", po, "--store", self.db, "--json"])
            try:
                v = json.loads(out)
            except ValueError:
                raise Failure("verify %s: no JSON (exit %d):\n%s" % (po, status, out[-2000:]))
            if v["missing"] or v["mismatched"] or v["extra"] or v["users_without_mailbox"] \
                    or status != 0:
                probs = [p["text"] for p in v["problems"] if p["severity"] != "note"]
                raise Failure("verify %s after %s: exit %d, %d missing, %d different, "
                              "%d extra, %d users without a mailbox:\n  %s" % (
                                  po, self.log[-1], status, v["missing"], v["mismatched"],
                                  v["extra"], v["users_without_mailbox"], "\n  ".join(probs[:8])))

    def final(self, fresh):
        """Everything, then compare with one fresh run of the same."""
        for po in self.pos:
            self.log.append("%s migrate %s --store %s --keep-r8-folders" % (self.ccmig, po, self.db))
            run([self.ccmig, "migrate", po, "--store", self.db, "--keep-r8-folders"], check_status=(0, 1))
        self.verify(self.pos)
        bad = duplicates(self.db)
        if bad:
            raise Failure("after the final run:\n  %s" % "\n  ".join(bad[:10]))
        got, want = store_dump.dump(self.db), store_dump.dump(fresh)
        if got != want:
            import difflib
            diff = list(difflib.unified_diff(want, got, "fresh", "sequence", lineterm="", n=0))
            raise Failure("the store differs from a fresh run's:\n" + "\n".join(diff[:30]))


def main():
    ccmig, work = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else int(os.environ.get("CCMIG_SEQ_SOAK", "12"))
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    os.makedirs(work, exist_ok=True)
    pos = []
    for name, opts in POS:
        d = os.path.join(work, name)
        if not os.path.exists(os.path.join(d, "po.txt")):
            run([ccmig, "gen", d] + opts, check_status=(0,))
        pos.append(d)
    fresh = {}
    for k in (1, 2):          # one post office, and both into one store
        fresh[k] = os.path.join(work, "fresh%d.db" % k)
        if os.path.exists(fresh[k]):
            os.remove(fresh[k])
        for po in pos[:k]:
            run([ccmig, "migrate", po, "--store", fresh[k], "--keep-r8-folders"], check_status=(0, 1))
    passed = failed = runs = kills = 0
    for i in range(count):
        rng = random.Random(seed * 100003 + i)
        k = rng.choice((1, 1, 2))
        seq = Sequence(ccmig, work, pos[:k], rng, i)
        try:
            for _ in range(rng.randrange(2, 6)):
                kills += seq.step()
                runs += 1
            seq.final(fresh[k])
            runs += k
            passed += 1
            print("sequence %d: %d runs over %d post office(s), ok" % (i, len(seq.log), k))
            shutil.rmtree(seq.dir, ignore_errors=True)
        except Failure as e:
            failed += 1
            print("sequence %d FAILED: %s\n  the commands:\n    %s" % (
                i, e, "\n    ".join(seq.log)))
    print("%d sequences, %d runs (%d killed)" % (count, runs, kills))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
