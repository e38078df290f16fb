# checks.py: what must be true after a hostile case ran (checks (d), (e)).
#
# (d) "verify" cases (migrate): `ccmig verify` finds nothing wrong with
#     anyone but the hostile user, and each of that user's messages that
#     is not in the store is named by the run's report (file and message
#     number), or the user as a whole is.
#     "import" cases: every mailbox but the hostile one holds what an
#     import of the intact set gives; the hostile one holds each row of its
#     section or has it in a recovery file.
#     "nothing" cases: the run could not start, as documented; the store,
#     if there is one, holds no message.
# (e) An export writes only in its own folder; its messages parse as MIME
#     and give back the attachment names the store holds; no file named
#     like an escape attempt exists anywhere; a canary outside a set's
#     folder is never read into the store.
import email
import email.policy
import glob
import os
import re
import sqlite3

import sandbox
from catalogue import HOSTILE_FILE

ESCAPE = "ccmig-hostile-escape"


def after(ccmig, spec, names, env, r, run):
    out = names["out"]
    store = os.path.join(out, "s.db")
    texts = r.texts
    if os.path.exists(store):
        _integrity(store, r)
    kind = spec["check"]
    if kind == "verify":
        _verify(ccmig, spec, names, env, r, run, texts, names["po"])
        _counts(spec, names, r)
    elif kind == "import":
        _import(spec, names, r)
        # The set was extracted from the base post office: verify against it.
        _verify(ccmig, spec, names, env, r, run, texts,
                os.path.join(names["base"], "po"))
    elif kind == "nothing":
        if os.path.exists(store) and _count(store, "SELECT count(*) FROM messages"):
            r.fail("(d) the run failed, yet the store holds messages")
    for sql, want in spec.get("store_has", []):
        got = _count(store, sql) if os.path.exists(store) else None
        if got != want:
            r.fail("(d) the store gives %r for %s, not %r" % (got, sql, want))
    if spec["export"]:
        _export(ccmig, spec, names, env, r, run)
    if spec["canary"]:
        _canary(spec["canary"], out, r)


def _count(store, sql):
    db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def _integrity(store, r):
    db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()
    if ok != "ok" or fk:
        r.fail("(d) the store is not sound: %s %s" % (ok, fk[:3]))


def _report_text(names, texts):
    """What the run reported: its output and the kept report file."""
    rep = os.path.join(names["out"], "set", "ccmig-report.txt")
    extra = ""
    if os.path.exists(rep):
        with open(rep, encoding="utf-8", errors="replace") as f:
            extra = f.read()
    return "\n".join(texts) + "\n" + extra


VERIFY_LINE = re.compile(r"^\s*(error|warning): (.*\[verify-[a-z-]+\])$", re.M)


def _verify(ccmig, spec, names, env, r, run, texts, po):
    """`ccmig verify` of the store against `po`: whatever it finds wrong
    must be the hostile user's, and said by the run's report."""
    rc, so, se, _ = run(ccmig, ["verify", po, "--store",
                                os.path.join(names["out"], "s.db")], env, names["out"], 120)
    if rc not in (0, 1):
        r.fail("(d) verify exited %s: %s" % (rc, (so + se)[-500:]))
        return
    report = _report_text(names, texts)
    hostile, hfile = spec["hostile"], spec["hostile_file"]
    if spec["check"] == "import" and hostile:
        # Rows of a set are counted against the report by _import; here
        # the messages of the hostile user's mail file may differ.
        hfile = HOSTILE_FILE
    for m in VERIFY_LINE.finditer(so):
        line = m.group(2)
        if (spec.get("changed") or spec["check"] == "import") and hfile and (
                line.startswith(hfile + " message ") or "[verify-extra]" in line):
            continue              # changed, as the policy or the set asked
        if hfile and line.startswith(hfile + " message "):
            n = re.match(re.escape(hfile) + r" message (\d+)", line).group(1)
            said = re.search(r"(?m)^\s*%s[:( ].*(warning|error): message %s: "
                             % (re.escape(hfile), n), report)
            if not said and not _user_reported(report, hostile):
                r.fail("(d) message %s of %s is neither in the store nor in the report"
                       % (n, hfile))
        elif hostile and "user '%s'" % hostile in line:
            if not _user_reported(report, hostile):
                r.fail("(d) user %s left out, and the report does not say so" % hostile)
        else:
            r.fail("(d) someone else's mail did not arrive: " + line)


def rerun(ccmig, step, names, env, r, run):
    """A run again into the same store, the cause removed: status 0, and
    then `ccmig verify` finds the whole post office in the store."""
    out = names["out"]
    args = [a.format(**names) for a in step["args"]]
    rc, so, se, _ = run(ccmig, args, env, out, 120)
    if rc != 0:
        r.fail("(d) run again (%s) exited %s: %s" % (" ".join(args[:2]), rc, (so + se)[-400:]))
        return
    store = os.path.join(out, "s.db")
    _integrity(store, r)
    rc, so, se, _ = run(ccmig, ["verify", step["po"].format(**names), "--store", store],
                        env, out, 120)
    if rc != 0:
        r.fail("(d) after running again, verify exited %s: %s" % (rc, (so + se)[-400:]))


def _tally(store, immutable=False):
    """{mailbox alias or '(public)': number of messages}."""
    return {who: len(msgs) for who, msgs in _messages(store, immutable).items()}


def _counts(spec, names, r):
    """(d) Every mailbox and the public folders hold as many messages as a
    migration of the intact post office gives, but the hostile user's
    (or, where the case renames someone, the renamed one's)."""
    store = os.path.join(names["out"], "s.db")
    if not os.path.exists(store):
        r.fail("(d) no store")
        return
    ref = _tally(os.path.join(names["base"], "ref.db"), immutable=True)
    got = _tally(store)
    skip = {spec["hostile"]} | set(spec.get("renamed", {}))
    for who, n in ref.items():
        if who in skip:
            continue
        if got.get(who, 0) != n:
            r.fail("(d) %s: %d messages, %d in a migration of the intact post office"
                   % (who, got.get(who, 0), n))
    for old, new in spec.get("renamed", {}).items():
        if got.get(new, 0) != ref.get(old, 0):
            r.fail("(d) %s (once %s): %d messages, %d in a migration of the intact "
                   "post office" % (new, old, got.get(new, 0), ref.get(old, 0)))


def _user_reported(report, user):
    return user and re.search(r"(?m)error: .*user '%s'" % re.escape(user), report)


MAILBOX_MESSAGES = """
SELECT coalesce(r.alias, '(public)'), f.path, m.subject, m.sent_text
FROM messages m JOIN folders f ON f.id = m.folder_id
LEFT JOIN recipients r ON r.id = f.mailbox_id WHERE m.parent_id IS NULL"""


def _messages(store, immutable=False):
    db = sqlite3.connect("file:%s?%s" % (store, "immutable=1" if immutable else "mode=ro"),
                         uri=True)
    try:
        by = {}
        for row in db.execute(MAILBOX_MESSAGES):
            by.setdefault(row[0], []).append(row[1:])
        return {k: sorted(v, key=repr) for k, v in by.items()}
    finally:
        db.close()


def _section_rows(pri_files, address):
    """Rows of the MAILMESSAGE sections for `address` in primary files."""
    n = 0
    for path in pri_files:
        with open(path, "rb") as f:
            # A line ending in \\ goes on on the next one (spec 2.5).
            lines = f.read().replace(b"\\\\\r\n", b"").split(b"\r\n")
        i = 0
        while i < len(lines):
            ln = lines[i]
            if ln.startswith(b"MAILMESSAGE,") and address.encode() in ln:
                i += 2
                while i < len(lines) and lines[i] and not lines[i].startswith(
                        (b"MAILMESSAGE,", b"PAB,", b"DIRECTORY")):
                    if not lines[i].startswith(b"!"):
                        n += 1
                    i += 1
                continue
            i += 1
    return n


def _import(spec, names, r):
    store = os.path.join(names["out"], "s.db")
    ref = _messages(os.path.join(names["base"], "ref.db"), immutable=True)
    got = _messages(store) if os.path.exists(store) else {}
    hostile = spec["hostile"]
    for who, msgs in ref.items():
        if who != hostile and got.get(who, []) != msgs:
            r.fail("(d) mailbox %s: %d messages, %d in an import of the intact set"
                   % (who, len(got.get(who, [])), len(msgs)))
    if hostile and not spec.get("hostile_refused"):
        setdir = os.path.dirname(names["pkl"])
        addr = spec["hostile_address"]
        rows = _section_rows([os.path.join(setdir, spec["hostile_pri"])], addr)
        recovered = _section_rows(glob.glob(os.path.join(setdir, "RECOVER-*.pri")), addr)
        stored = len(got.get(hostile, []))
        # A row too long to copy is reported and counted, not recovered.
        said = re.findall(r"\d+ rows \((\d+) skipped", "\n".join(r.texts))
        skipped = max([int(n) for n in said] + [recovered])
        if stored + skipped < rows:
            r.fail("(d) %s: %d rows, %d imported, %d in recovery files"
                   % (hostile, rows, stored, recovered))


def _export(ccmig, spec, names, env, r, run):
    out = names["out"]
    store = os.path.join(out, "s.db")
    for kind in ("maildir", "mbox"):
        dest = os.path.join(out, kind)
        before = sandbox.files_under(out)
        rc, so, se, _ = run(ccmig, ["export", "--store", store, "--" + kind, dest],
                            env, out, 120)
        r.texts.append(so + se)
        want = spec.get("export_status", 0)
        if rc != want:
            r.fail("(b) export --%s exited %s, documented %s: %s"
                   % (kind, rc, want, (so + se)[-300:]))
        for p in sandbox.files_under(out) - before:
            if not (p == kind or p.startswith(kind + "/")) and not p.startswith("s.db"):
                r.fail("(e) export --%s wrote outside its folder: %s" % (kind, p))
        # A forward kept as export text past the depth limit is said.
        if spec.get("nested"):
            said = "1 forwarded message nested more than %d deep is kept" % RENDER_DEPTH
            if (said in so) != (spec["nested"] > RENDER_DEPTH):
                r.fail("(c) export --%s %s: %s" % (kind, "did not say '%s'" % said
                       if spec["nested"] > RENDER_DEPTH else "spoke of a deep forward",
                       so[-300:]))
    if spec["names"] is not None:
        _mime_names(os.path.join(out, "maildir"), spec["names"], spec.get("no_header", []), r)
    if spec.get("nested"):
        _nested(os.path.join(out, "maildir"), spec["nested"], r)


# How deep the export renders forwarded messages (docs/render.md).
RENDER_DEPTH = 8


def _nested(maildir, depth, r):
    """The message forwarded `depth` times arrives in the Maildir export
    whole: as nested message/rfc822 parts up to the render depth, and the
    rest as one attachment of the export text, saying why, that still
    holds the innermost message."""
    for d, _, files in os.walk(maildir):
        for name in files if os.path.basename(d) == "cur" else []:
            with open(os.path.join(d, name), "rb") as f:
                msg = email.message_from_bytes(f.read(), policy=email.policy.default)
            if msg["Subject"] != "level %d" % (depth - 1):
                continue
            levels = sum(p.get_content_type() == "message/rfc822" for p in msg.walk())
            raw = [p for p in msg.walk() if "nested more than %d deep" % RENDER_DEPTH
                   in str(p.get("Content-Description", ""))]
            inner = [p for p in msg.walk() if p.get("Subject") == "innermost"]
            if levels != min(depth, RENDER_DEPTH):
                r.fail("(d) %d forwarded levels rendered, not %d" % (levels, min(depth, RENDER_DEPTH)))
            if depth > RENDER_DEPTH and not (
                    len(raw) == 1 and b"Subject: innermost" in raw[0].get_payload(decode=True)):
                r.fail("(d) past the render depth, the rest is not one attachment "
                       "holding the innermost message")
            if depth <= RENDER_DEPTH and not inner:
                r.fail("(d) the innermost message was not rendered")
            return
    r.fail("(d) the message forwarded %d times is not in the Maildir export" % depth)


def _mime_names(maildir, want, no_header, r):
    """Every Maildir message parses; the names in it are the wanted ones;
    no header block holds a line of `no_header`."""
    seen = []
    paths = [os.path.join(d, n) for d, _, files in os.walk(maildir)
             if os.path.basename(d) == "cur" for n in files]
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read()
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        for line in head.splitlines():
            if any(line.startswith(h.encode()) for h in no_header):
                r.fail("(e) %s: a header made of data: %r" % (path, line))
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        for part in msg.walk():
            if part.defects:
                r.fail("(e) %s: MIME defects %s" % (path, part.defects))
            fn = part.get_filename()
            if fn is not None:
                seen.append(fn)
            for key in part.keys():
                if not re.match(r"^[!-9;-~]+$", key):
                    r.fail("(e) %s: a header named %r" % (path, key))
    for n in want:
        if n not in seen:
            r.fail("(e) attachment name %r not found in the Maildir export (got %r)"
                   % (n, [s for s in seen if s not in ("data.csv",)][:6]))


def _canary(marker, out, r):
    for dirpath, _, files in os.walk(out):
        for name in files:
            p = os.path.join(dirpath, name)
            if os.path.islink(p) or not os.path.isfile(p) or name.startswith("canary"):
                continue
            with open(p, "rb") as f:
                if marker.encode() in f.read():
                    r.fail("(e) data from outside the set's folder reached %s" % p)


def escapes(root):
    """Files anywhere near the catalogue, or in /tmp, named like an escape."""
    found = []
    for top in (os.path.dirname(root), "/tmp"):
        for name in os.listdir(top):
            if ESCAPE in name:
                found.append(os.path.join(top, name))
    for dirpath, dirnames, files in os.walk(root):
        for name in dirnames + files:
            p = os.path.join(dirpath, name)
            if ESCAPE in name and "/out/maildir/" not in p and "/out/mbox/" not in p:
                found.append(p)
    return found
