# rerun.sh: migrations run again and again over one store, as the field
# runs them: each ends with every message once, every user once, verify
# accounting for everything, and the store of a fresh run of the same.
. "$(dirname "$0")/lib.sh"
POL=$(cd "$(dirname "$0")/../../scripts/policies" && pwd)
DUMP="$(dirname "$0")/store_dump.py"

"$CCMIG" gen "$TMP/po" --users 10 --messages 20 --seed 4 >/dev/null
cat >"$TMP/pilot.lua" <<'LUA'
return { user = function(u) return u.name == 'Baker, Terry' or u.name == 'McAllister, Laura' end }
LUA

# same_as_fresh NAME ARGS...: the store NAME holds what one fresh migrate
# with ARGS would make.
same_as_fresh() {
	name=$1; shift
	rm -f "$TMP/fresh.db"
	"$CCMIG" migrate "$TMP/po" --store "$TMP/fresh.db" "$@" >/dev/null
	if python3 "$DUMP" "$TMP/fresh.db" "$TMP/$name.db" >"$TMP/diff"; then pass; else
		fail "$name differs from a fresh run:"; head -20 "$TMP/diff" | sed 's/^/  | /' >&2; fi
}

# verify_clean NAME: verify exits 0, nothing missing, different or extra.
verify_clean() {
	expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/$1.db"
	expect_grep "0 missing, 0 different, 0 extra in the store" "$TMP/out"
	expect_grep "The store accounts for every message of the post office." "$TMP/out"
}

# A pilot group, then everyone: the pilot users' mail once, every user a
# mailbox, each alias its own user's.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/pilot.db" --policy "$TMP/pilot.lua"
expect_grep "8 users; 0 messages an earlier run stored stay" "$TMP/out"
verify_clean pilot
expect_grep "by policy:pilot.lua:user" "$TMP/out"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/pilot.db"
expect_grep "Already in the store: " "$TMP/out"
verify_clean pilot
same_as_fresh pilot
# Everyone, then the pilot again: nobody loses a mailbox or a message.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/pilot.db" --policy "$TMP/pilot.lua"
verify_clean pilot
same_as_fresh pilot

# An option added on the second run.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/r8.db"
expect_grep "[skipped-r8-settings]" "$TMP/out"
verify_clean r8
expect_grep "by rule:r8-settings" "$TMP/out"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/r8.db" --keep-r8-folders
verify_clean r8
same_as_fresh r8 --keep-r8-folders

# A policy's date window narrowed: what the first run took stays, counted
# as kept; then everything.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/dates.db" \
	--policy "$POL/date-range.lua" --policy-arg until=2000-06-01
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/dates.db" \
	--policy "$POL/date-range.lua" --policy-arg until=1999-01-01
if grep -q "Left out by decision.* [1-9][0-9]* messages an earlier run stored stay" "$TMP/out"; then
	pass; else fail "the narrower run does not say what it kept"; sed 's/^/  | /' "$TMP/out" >&2; fi
verify_clean dates
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/dates.db" --since 1990-01-01
verify_clean dates
same_as_fresh dates

# "Fix the policy and run again": a hook that fails for one user leaves
# that user out (a problem: status 1, verify names the user); fixed, the
# user gets a mailbox and the mail.
cat >"$TMP/typo.lua" <<'LUA'
return { user = function(u) if u.name == 'Baker, Terry' then return u.nmae:upper() end return true end }
LUA
expect_status 1 "$CCMIG" migrate "$TMP/po" --store "$TMP/fix.db" --policy "$TMP/typo.lua"
expect_grep "[policy-failed]" "$TMP/out"
expect_status 1 "$CCMIG" verify "$TMP/po" --store "$TMP/fix.db"
expect_grep "user 'Baker, Terry' has no mailbox in the store, and the store does not say why" "$TMP/out"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/fix.db"
verify_clean fix
same_as_fresh fix

# A policy that moves and renames, then none: every message back where a
# fresh run puts it, sent by whom it was sent.
cat >"$TMP/move.lua" <<'LUA'
return { message = function(m) if m.number % 2 == 0 then
	return { folder = 'Old\\' .. m.folder, subject = '[old] ' .. m.subject, unread = true } end
	return true end }
LUA
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/move.db" --policy "$TMP/move.lua"
verify_clean move
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/move.db"
expect_grep "placed anew as this run's policy says" "$TMP/out"
verify_clean move
same_as_fresh move

# After dirsync each user is a custom recipient the import converts, which
# keeps its directory data; what a policy renames follows the policy all
# the same, and the mail arrives once.
cat >"$TMP/rename.lua" <<'LUA'
return { user = function(u) if u.name == 'Baker, Terry' then
	return { display_name = 'Terry Baker (Sales)', alias = 'tbaker-sales' } end return true end }
LUA
"$CCMIG" dirsync "$TMP/po" --store "$TMP/ds.db" >/dev/null
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/ds.db" --policy "$TMP/rename.lua"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/ds.db" --policy "$TMP/rename.lua"
python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT alias, display_name, kind FROM recipients WHERE ccmail_name = ?",
    ("Baker, Terry",)).fetchall())' "$TMP/ds.db" >"$TMP/names"
expect_grep "[('tbaker-sales', 'Terry Baker (Sales)', 'mailbox')]" "$TMP/names"
verify_clean ds

# Two steps mixed with one: extract and import, then migrate: nothing twice.
expect_status 0 "$CCMIG" extract "$TMP/po" -o "$TMP/set" --no-mail
expect_status 0 "$CCMIG" import "$TMP/set/SALESPO.pkl" --store "$TMP/two.db" --create-mailboxes \
	--time-zone America/New_York
verify_clean two
expect_grep "by option:no-mail" "$TMP/out"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/two.db"
verify_clean two
same_as_fresh two

# Two post offices in one store, each in its own zone: each is verified
# alone, and each mailbox's mail is dated as its post office saw it.
"$CCMIG" gen "$TMP/paris" --users 4 --messages 6 --seed 9 --post-office PARISPO \
	--time-zone Europe/Paris >/dev/null
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/two-po.db"
expect_status 0 "$CCMIG" migrate "$TMP/paris" --store "$TMP/two-po.db"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/two-po.db"
expect_status 0 "$CCMIG" verify "$TMP/paris" --store "$TMP/two-po.db"
expect_status 0 "$CCMIG" export --store "$TMP/two-po.db" --maildir "$TMP/two-md"
python3 - "$TMP/two-po.db" "$TMP/two-md" <<'PY' >"$TMP/zones" 2>&1
import email, email.utils, os, sqlite3, sys, zoneinfo, datetime
db, md = sys.argv[1], sys.argv[2]
zone = {"SALESPO": "America/New_York", "PARISPO": "Europe/Paris"}
rows = sqlite3.connect(db).execute(
    "SELECT alias, upper(ccmail_po) FROM recipients WHERE kind = 'mailbox'").fetchall()
seen = {}
for alias, po in rows:
    for d, _, files in os.walk(os.path.join(md, alias)):
        for f in files:
            if "/cur" not in d + "/":
                continue
            m = email.message_from_binary_file(open(os.path.join(d, f), "rb"))
            if m["X-ccmig-generated"] or not m["Date"]:
                continue
            when = email.utils.parsedate_to_datetime(m["Date"])
            want = when.astimezone(zoneinfo.ZoneInfo(zone[po])).utcoffset()
            assert when.utcoffset() == want, (alias, po, m["Date"], want)
            seen[po] = seen.get(po, 0) + 1
assert seen.get("SALESPO") and seen.get("PARISPO"), seen
print("zones ok")
PY
expect_grep "zones ok" "$TMP/zones"

# Another tool's set carries no identity lines: its rows are known by what
# they hold, so the same mail imported again, laid out otherwise (a user
# left out shifts every file after it), adds nothing.
cat >"$TMP/skip-first.lua" <<'LUA'
return { user = function(u) return u.name ~= 'McAllister, Linda' end }
LUA
"$CCMIG" extract "$TMP/po" -o "$TMP/foreignA" >/dev/null
"$CCMIG" extract "$TMP/po" -o "$TMP/foreignB" --policy "$TMP/skip-first.lua" >/dev/null
python3 - "$TMP/foreignA" "$TMP/foreignB" <<'PY'
import os, sys
for d in sys.argv[1:]:
    for f in os.listdir(d):
        if f.lower().endswith(".pri"):
            p = os.path.join(d, f)
            lines = open(p, "rb").read().split(b"\r\n")
            open(p, "wb").write(b"\r\n".join(l for l in lines if not l.startswith(b"!ccmig")))
PY
if grep -rqa "ccmig-id" "$TMP/foreignA"; then fail "identity lines left in the set"; else pass; fi
expect_status 0 "$CCMIG" import "$TMP/foreignA/SALESPO.pkl" --store "$TMP/foreign.db" \
	--create-mailboxes --time-zone America/New_York
count_messages() {
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
	    "SELECT count(*) FROM messages WHERE parent_id IS NULL").fetchone()[0])' "$1"
}
first=$(count_messages "$TMP/foreign.db")
expect_status 0 "$CCMIG" import "$TMP/foreignB/SALESPO.pkl" --store "$TMP/foreign.db" \
	--time-zone America/New_York
expect_grep " 0 messages" "$TMP/out"
expect_status 0 "$CCMIG" import "$TMP/foreignA/SALESPO.pkl" --store "$TMP/foreign.db" \
	--time-zone America/New_York
if [ "$first" -gt 0 ] && [ "$(count_messages "$TMP/foreign.db")" -eq "$first" ]; then pass; else
	fail "another tool's set imported again: $first messages became $(count_messages "$TMP/foreign.db")"; fi

# A set edited so that two rows name one message: both are stored, the
# second known by its content, and the run says so.
"$CCMIG" extract "$TMP/po" -o "$TMP/dupset" >/dev/null
python3 - "$TMP/dupset" <<'PY'
import os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    if not f.lower().endswith(".pri") or f == "Directory.pri":
        continue
    p = os.path.join(d, f)
    lines = open(p, "rb").read().split(b"\r\n")
    ids = [i for i, l in enumerate(lines) if l.startswith(b"!ccmig-id ")]
    if len(ids) >= 2:
        lines[ids[1]] = lines[ids[0]]
        open(p, "wb").write(b"\r\n".join(lines))
        break
PY
expect_status 1 "$CCMIG" import "$TMP/dupset/SALESPO.pkl" --store "$TMP/dup.db" \
	--create-mailboxes --time-zone America/New_York
expect_grep "[duplicate-identity]" "$TMP/out"
"$CCMIG" import "$TMP/foreignA/SALESPO.pkl" --store "$TMP/clean.db" --create-mailboxes \
	--time-zone America/New_York >/dev/null
if [ "$(count_messages "$TMP/dup.db")" -eq "$(count_messages "$TMP/clean.db")" ]; then pass; else
	fail "an edited set lost a message: $(count_messages "$TMP/dup.db") against $(count_messages "$TMP/clean.db")"; fi

# A store made before identities were kept (schema 2): migrating into it
# again claims the messages it holds rather than storing them twice.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/v2.db"
before=$(count_messages "$TMP/v2.db")
python3 - "$TMP/v2.db" "$UNDO_V8" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.executescript("ALTER TABLE messages DROP COLUMN stored_utc; ALTER TABLE runs DROP COLUMN who; "
                 "DROP INDEX messages_parent; PRAGMA writable_schema = ON; "
                 "UPDATE sqlite_master SET sql = replace(sql, ', parent_id INTEGER "
                 "REFERENCES messages(id) ON DELETE CASCADE, parent_seq INTEGER, "
                 "part_name TEXT', '') WHERE name = 'messages'; "
                 "PRAGMA writable_schema = OFF;")
db.close()
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE source_messages; DROP TABLE source_mailboxes; "
                 "ALTER TABLE runs DROP COLUMN po_path; ALTER TABLE runs DROP COLUMN policies; "
                 "PRAGMA user_version = 2;")
db.close()
PY
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/v2.db"
expect_grep "Migrated $TMP/po into $TMP/v2.db: 10 users, 0 messages" "$TMP/out"
if [ "$(count_messages "$TMP/v2.db")" -eq "$before" ]; then pass; else
	fail "an upgraded store got its messages twice: $before became $(count_messages "$TMP/v2.db")"; fi
verify_clean v2
python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM meta WHERE key = ?", ("unclaimed_messages",)).fetchone())' "$TMP/v2.db" >"$TMP/flag"
expect_grep "(0,)" "$TMP/flag"

# verify for scripts: one JSON object, decisions by reason; --list names
# each message a decision left out.
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/r8.db" --json
python3 - "$TMP/out" <<'PY' >"$TMP/json" 2>&1
import json, sys
v = json.load(open(sys.argv[1]))
assert v["accounted"] is True and v["missing"] == 0 and v["extra"] == 0, v
assert v["matched"] + v["decided"] == v["source_messages"], v
assert v["problems"] == [] and len(v["decided_messages"]) == v["decided"], v
print("ok", v["decisions"])
PY
expect_grep "ok {}" "$TMP/json"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/pilot.db" --json
python3 - "$TMP/out" <<'PY' >"$TMP/json" 2>&1
import json, sys
v = json.load(open(sys.argv[1]))
assert v["accounted"] and v["decided"] > 0 and v["decisions"], v
print("decided ok", sorted(v["decisions"]))
PY
expect_grep "decided ok ['rule:r8-settings']" "$TMP/json"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/pilot.db" --list
expect_grep "[verify-decided]" "$TMP/out"

# The run is recorded as typed, with the post office and the policy's digest.
python3 - "$TMP/pilot.db" "$TMP/pilot.lua" <<'PY' >"$TMP/runs" 2>&1
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
digest = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
rows = db.execute("SELECT command, args, po_path, policies FROM runs ORDER BY id").fetchall()
assert rows[0][0] == "migrate" and "--policy" in rows[0][1], rows[0]
assert rows[0][2].endswith("/po"), rows[0]
assert rows[0][3] == "%s  %s\n" % (digest, sys.argv[2]), rows[0]
events = db.execute("SELECT count(*) FROM events WHERE kind = 'user-skipped-by-policy' "
                    "AND run_id = (SELECT min(id) FROM runs)").fetchone()[0]
assert events == 8, events
print("runs ok")
PY
expect_grep "runs ok" "$TMP/runs"

# Every post office gen makes with default options migrates with status 0
# and verifies clean; extract --no-mail of a clean post office exits 0.
for seed in 1 2 3; do
	"$CCMIG" gen "$TMP/gen$seed" --seed "$seed" >/dev/null
	expect_status 0 "$CCMIG" migrate "$TMP/gen$seed" --store "$TMP/gen$seed.db"
	expect_status 0 "$CCMIG" verify "$TMP/gen$seed" --store "$TMP/gen$seed.db"
done
expect_status 0 "$CCMIG" extract "$TMP/gen1" -o "$TMP/nomail" --no-mail

finish
