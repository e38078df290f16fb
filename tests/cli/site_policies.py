#!/usr/bin/env python3
"""site_policies.py: the five policies of docs/policies.md's "Five policies
a site needs", taken from the documentation as they stand, tried the way a
site would: each through preflight, then migrate, verify and a Maildir
export, and the Maildir read back.

    site_policies.py CCMIG TMP_DIR

A generated post office is migrated once without a policy (the full
store); every message there has a name from its source identity
(store_uid.py) that it keeps in every store and in the Maildir file name.
For each policy, the Maildir must hold exactly the messages of the full
store that the policy keeps, in the folders it puts them in, named and
addressed as it says (read with Python's email module), and
export_check.py must find the Maildir faithful to the policy's store.
Prints "ok ..." / "FAIL ..." lines; exit status 1 on any failure.
"""
import email
import email.policy
import email.utils
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from doc_blocks import by_heading  # noqa: E402
from export_check import Problems, maildir_messages  # noqa: E402
from store_uid import uid_map  # noqa: E402

SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
DOC = "docs/policies.md"
PILOT = "A pilot group"
WINDOW = "A date window, with a legal hold"
PEOPLE = "New names and SMTP addresses from a CSV file"
FOLDERS = "Moving and leaving out folders"
BIG = "Big attachments out, with a note"
SITE_HEADINGS = {PILOT, WINDOW, PEOPLE, FOLDERS, BIG}
ZONE = "America/New_York"
MAX_KB = 64
failures = []


def fail(what):
    failures.append(what)
    print("FAIL " + what)


def run(cmd, want=0, what=None):
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                       timeout=900)
    if want is not None and p.returncode != want:
        fail("%s: exit %d, wanted %d\n%s" % (what or " ".join(cmd[:3]), p.returncode,
                                             want, (p.stdout[-2000:] + p.stderr[-2000:])))
    return p


def csv_field(s):
    return '"%s"' % s.replace('"', '""') if ("," in s or '"' in s) else s


class Full:
    """The full store: each source message's name, place and content."""

    def __init__(self, path):
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.uid_of = {i: u for u, i in uid_map(db).items()}
        sourced = {r[0] for r in db.execute(
            "SELECT message_id FROM source_messages WHERE message_id IS NOT NULL")}
        self.msgs = {}
        for mid, subj, sent, path_, owner, alias, sname, saddr in db.execute(
                "SELECT m.id, m.subject, m.sent_utc, f.path, r.ccmail_name, r.alias, "
                "m.sender_name, m.sender_address FROM messages m JOIN folders f ON f.id = m.folder_id "
                "LEFT JOIN recipients r ON r.id = f.mailbox_id "
                "WHERE m.parent_id IS NULL"):
            if mid not in sourced:
                continue              # a notice ccmig wrote: named per store
            self.msgs[self.uid_of[mid]] = {
                "id": mid, "subject": subj or "", "sent": sent, "folder": path_,
                "owner": owner, "alias": alias, "sender": (sname or "") if not saddr else None,
                "atts": db.execute("SELECT a.name, a.size, a.kind, b.sha256 FROM attachments a "
                                   "JOIN blobs b ON b.id = a.blob_id WHERE message_id = ? "
                                   "ORDER BY seq", (mid,)).fetchall(),
                "rcpts": [r[0] for r in db.execute(
                    "SELECT display_name FROM message_recipients WHERE message_id = ? "
                    "AND kind <> 'bcc' AND coalesce(address, '') = ''", (mid,))],
            }
        self.users = [r for r in db.execute(
            "SELECT ccmail_name, alias FROM recipients WHERE kind = 'mailbox' "
            "AND ccmail_name IS NOT NULL ORDER BY id")]
        # A local user as a sender or recipient is the mailbox, named by
        # its display name, with no address of its own.
        self.display = {n: d for n, d in db.execute(
            "SELECT ccmail_name, display_name FROM recipients WHERE kind = 'mailbox' "
            "AND ccmail_name IS NOT NULL")}
        db.close()

    def with_mail(self):
        owners = {m["owner"] for m in self.msgs.values() if m["owner"]}
        return [(n, a) for n, a in self.users if n in owners]


def maildir(root):
    """{name: (mailbox folder, folder path, raw)} of every message exported,
    as export_check.py reads a Maildir++."""
    out, pb = {}, Problems()
    for name, loc, _, raw, _ in maildir_messages(root, pb):
        box, _, rest = loc.partition(os.sep)
        out[name] = (box, rest[1:], raw)
    for p in pb.items:
        fail(p)
    return out


def compare(case, got, full, want):
    """The Maildir holds exactly the messages `want` names (notices aside)."""
    extra = [u for u, (_, _, raw) in got.items()
             if u not in want and b"\nX-ccmig-generated:" not in raw]
    missing = [u for u in want if u not in got]
    if extra or missing:
        fail("%s: %d messages the policy leaves out are in the Maildir (%s), "
             "%d it keeps are not (%s)" % (case, len(extra), ", ".join(
                 "%s/%s" % got[u][:2] for u in extra[:5]), len(missing), ", ".join(
                 "%s/%s %r" % (full.msgs[u]["alias"], full.msgs[u]["folder"],
                               full.msgs[u]["subject"]) for u in missing[:5])))
        return False
    return True


def parsed(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def day(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t))


class Site:
    def __init__(self, tmp, ccmig):
        self.tmp, self.ccmig = tmp, ccmig
        self.po = os.path.join(tmp, "po")
        run([ccmig, "gen", self.po, "--seed", "21", "--users", "12", "--messages", "14",
             "--attachment-share", "0.5", "--max-attachment", "160K", "--encoding", "hex",
             "--time-zone", ZONE, "--no-progress"], what="gen")
        full_db = os.path.join(tmp, "full.db")
        run([ccmig, "migrate", self.po, "--store", full_db, "--no-progress"],
            what="migrate without a policy")
        self.full = Full(full_db)
        self.policies = {}
        for heading, blocks in by_heading(os.path.join(SRC, DOC), "policy", DOC).items():
            if heading in SITE_HEADINGS:
                if len(blocks) != 1:
                    fail("%s has %d policies, not one" % (heading, len(blocks)))
                name = re.match(r"--\s*(\S+\.lua)", blocks[0].code)
                path = os.path.join(tmp, name.group(1) if name else "policy.lua")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(blocks[0].code + "\n")
                self.policies[heading] = path
        for h in sorted(SITE_HEADINGS - set(self.policies)):
            fail("%s: no ```lua policy under the heading '%s'" % (DOC, h))

    def csv(self, name, rows):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(",".join(csv_field(x) for x in r) + "\n")
        return path

    def migrate(self, case, heading, args):
        """preflight, migrate, verify, export; the Maildir read back, or None."""
        pol = self.policies.get(heading)
        if not pol:
            return None, None
        pre = run([self.ccmig, "run", os.path.join(SRC, "scripts/bulk/preflight.lua"),
                   self.po, pol] + ["%s=%s" % kv for kv in args.items()],
                  what="%s: preflight" % case)
        store = os.path.join(self.tmp, case + ".db")
        md = os.path.join(self.tmp, "md-" + case)
        pargs = []
        for kv in args.items():
            pargs += ["--policy-arg", "%s=%s" % kv]
        run([self.ccmig, "migrate", self.po, "--store", store, "--policy", pol,
             "--no-progress"] + pargs, what="%s: migrate" % case)
        run([self.ccmig, "verify", self.po, "--store", store], what="%s: verify" % case)
        run([self.ccmig, "export", "--store", store, "--maildir", md, "--time-zone", ZONE,
             "--no-progress"], what="%s: export" % case)
        run([sys.executable, os.path.join(HERE, "export_check.py"), "--store", store,
             "--maildir", md, "--time-zone", ZONE, "--po", self.po],
            what="%s: export_check.py (the Maildir against its store)" % case)
        return pre.stdout, maildir(md)

    def pilot(self):
        users = self.full.with_mail()
        chosen = users[::3][:3]
        path = self.csv("pilot.csv", [[n.upper() if i == 0 else n]
                                      for i, (n, _) in enumerate(chosen)])
        pre, got = self.migrate("pilot", PILOT, {"users": path})
        if got is None:
            return
        names = {n for n, _ in chosen}
        want = {u for u, m in self.full.msgs.items() if m["owner"] is None or m["owner"] in names}
        boxes = {b for b, _, _ in got.values()}
        if compare("pilot", got, self.full, want) and \
                boxes == {a for _, a in chosen} | {"public"}:
            print("ok pilot: %d users of %d, %d messages, the boards too"
                  % (len(chosen), len(self.full.users), len(want)))
        elif boxes != {a for _, a in chosen} | {"public"}:
            fail("pilot: mailboxes exported %s, wanted %s" % (sorted(boxes),
                 sorted({a for _, a in chosen})))
        left = len(self.full.users) - len(chosen)
        if "%d left out" % left not in (pre or ""):
            fail("pilot: preflight does not say %d users are left out:\n%s" % (left, pre))

    def window(self):
        dated = sorted(m["sent"] for m in self.full.msgs.values() if m["sent"] is not None)
        since, till = day(dated[len(dated) // 4]), day(dated[3 * len(dated) // 4])
        users = self.full.with_mail()
        hold_name = users[1][0]
        path = self.csv("hold.csv", [["# cc:Mail names on legal hold"], [hold_name]])
        pre, got = self.migrate("window", WINDOW, {"since": since, "until": till,
                                                   "hold": path})
        if got is None:
            return
        want = {u for u, m in self.full.msgs.items()
                if m["owner"] == hold_name or m["sent"] is None or
                since <= day(m["sent"]) < till}
        held = sum(1 for m in self.full.msgs.values() if m["owner"] == hold_name
                   and m["sent"] is not None and not since <= day(m["sent"]) < till)
        out = len(self.full.msgs) - len(want)
        if not held or not out:
            fail("window: the data tries nothing (%d held outside, %d out)" % (held, out))
        if compare("window", got, self.full, want):
            print("ok window %s..%s: %d messages left out, %d of '%s' kept by the hold"
                  % (since, till, out, held, hold_name))
        said = sum(int(n) for n in re.findall(r"(?m)^ {4}.*?\s(\d+) messages$", pre or ""))
        if said != out:
            fail("window: preflight counts %d messages left out, not %d:\n%s"
                 % (said, out, pre))

    def people(self):
        users = self.full.with_mail()[:3]
        rows = [[n, "new-%d" % i, "Person %d" % i, "person.%d@example.com" % i]
                for i, (n, _) in enumerate(users)]
        path = self.csv("people.csv", rows)
        _, got = self.migrate("people", PEOPLE, {"people": path})
        if got is None:
            return
        if not compare("people", got, self.full, set(self.full.msgs)):
            return
        # By the display names the full store gives the users' mailboxes.
        smtp = {self.full.display[n]: r[3] for (n, _), r in zip(users, rows)}
        alias = {n: r[1] for (n, _), r in zip(users, rows)}
        bad, seen_from, seen_to = [], 0, 0
        for u, m in self.full.msgs.items():
            box, _, raw = got[u]
            if m["owner"] in alias and box != alias[m["owner"]]:
                bad.append("%s's message is in %s, not %s" % (m["owner"], box, alias[m["owner"]]))
            msg = parsed(raw)
            addrs = {a.lower() for _, a in email.utils.getaddresses(
                msg.get_all("to", []) + msg.get_all("cc", []))}
            frm = email.utils.parseaddr(str(msg.get("from", "")))[1].lower()
            sender = m["sender"]
            if sender in smtp:
                seen_from += 1
                if frm != smtp[sender]:
                    bad.append("From %r, wanted %s (%r)" % (frm, smtp[sender], m["subject"]))
            for name in m["rcpts"]:
                if name in smtp:
                    seen_to += 1
                    if smtp[name] not in addrs:
                        bad.append("%s not among %s (%r)" % (smtp[name], sorted(addrs),
                                                             m["subject"]))
        if not seen_from or not seen_to:
            bad.append("no message from (%d) or to (%d) a renamed user" % (seen_from, seen_to))
        if bad:
            fail("people: " + "; ".join(bad[:6]))
        else:
            print("ok people: 3 mailboxes renamed, %d senders and %d recipients "
                  "with their SMTP address" % (seen_from, seen_to))

    def folders(self):
        _, got = self.migrate("folders", FOLDERS, {})
        if got is None:
            return
        leave = {"clipboard", "deleted items"}
        want = {u for u, m in self.full.msgs.items() if m["folder"].lower() not in leave}
        if not compare("folders", got, self.full, want):
            return
        bad, moved = [], 0
        for u in want:
            m = self.full.msgs[u]
            if m["folder"] == "Projects" or m["folder"].startswith("Projects\\"):
                moved += 1
                where = "Archive." + m["folder"].replace("\\", ".")
                if got[u][1] != where:
                    bad.append("%r of %s is in %r, not %r" % (m["subject"], m["folder"],
                                                              got[u][1], where))
        if not moved or len(want) == len(self.full.msgs):
            bad.append("the data tries nothing (%d moved)" % moved)
        if bad:
            fail("folders: " + "; ".join(bad[:6]))
        else:
            print("ok folders: %d messages moved under Archive, %d left behind"
                  % (moved, len(self.full.msgs) - len(want)))

    def big(self):
        _, got = self.migrate("big", BIG, {"max_kb": str(MAX_KB)})
        if got is None:
            return
        if not compare("big", got, self.full, set(self.full.msgs)):
            return
        limit, bad, dropped = MAX_KB * 1024, [], 0
        for u, m in self.full.msgs.items():
            msg = parsed(got[u][2])
            names, shas = set(), set()
            for part in msg.walk():
                if part.get_content_disposition() == "attachment" and \
                        part.get_content_type() != "message/rfc822":
                    names.add(part.get_filename())
                    shas.add(hashlib.sha256(part.get_payload(decode=True)).digest())
            body = msg.get_body(preferencelist=("plain",))
            text = body.get_content() if body else ""
            big = [a for a in m["atts"] if a[1] > limit]
            for name, size, kind, sha in m["atts"]:
                forward = name.endswith(".ccm")      # a forwarded message's text
                note = ("[forwarded message '%s' (" % name[:-4] if forward
                        else "[attachment '%s' (" % name)
                if size > limit:
                    dropped += 1
                    if not forward and (name in names or sha in shas):
                        bad.append("%r still has %s" % (m["subject"], name))
                    if note not in text or "was removed by policy 'big.lua']" not in text:
                        bad.append("%r has no note for %s" % (m["subject"], name))
                elif not forward and sha not in shas:
                    bad.append("%r lost %s, which is under the limit" % (m["subject"], name))
            if bool(big) != ("x-ccmig-attachments-removed" in msg):
                bad.append("%r: X-ccmig-Attachments-Removed %s" % (
                    m["subject"], "missing" if big else "where nothing was removed"))
        if not dropped:
            bad.append("no attachment over %d KiB in the data" % MAX_KB)
        if bad:
            fail("big: " + "; ".join(bad[:6]))
        else:
            print("ok big: %d attachments over %d KiB replaced by notes, the rest byte "
                  "for byte" % (dropped, MAX_KB))


def main():
    ccmig, tmp = sys.argv[1], sys.argv[2]
    site = Site(tmp, ccmig)
    if not failures:
        for case in (site.pilot, site.window, site.people, site.folders, site.big):
            case()
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
