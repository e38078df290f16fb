# merge.sh: ccmig merge: job stores into one, as one store of every job's
# runs would be; the same post office in two stores, decisions combined by
# run time; merging again, in another order, killed; parts refused; and
# report over several stores against the report of their merge.
. "$(dirname "$0")/lib.sh"
DUMP="$(dirname "$0")/store_dump.py"

"$CCMIG" gen "$TMP/sales" --users 8 --messages 8 --seed 11 --post-office SALESPO >/dev/null
"$CCMIG" gen "$TMP/hq" --users 6 --messages 6 --seed 12 --post-office HQPO >/dev/null

# job STORE PO: what one job runs.
job() {
	"$CCMIG" dirsync "$TMP/$2" --store "$TMP/$1.db" >/dev/null 2>&1 || fail "dirsync $2 into $1"
	"$CCMIG" migrate "$TMP/$2" --store "$TMP/$1.db" >/dev/null 2>&1 || fail "migrate $2 into $1"
}
# same A B: the stores hold the same (every message by its digest,
# mailboxes, lists, address books, other recipients).
same() {
	if python3 "$DUMP" "$TMP/$1.db" "$TMP/$2.db" >"$TMP/diff"; then pass; else
		fail "$1 and $2 differ:"; head -20 "$TMP/diff" | sed 's/^/  | /' >&2; fi
}
q() { sql_value "$TMP/$1.db" "$2"; }
# summary NAME...: the totals of the report over the stores.
summary() {
	stores=""
	for d in "$@"; do stores="$stores $TMP/$d.db"; done
	report_summary "sorted(s.items())" $stores
}
# verify_clean DB PO: verify accounts for every message.
verify_clean() {
	expect_status 0 "$CCMIG" verify "$TMP/$2" --store "$TMP/$1.db"
	expect_grep "0 missing, 0 different, 0 extra in the store" "$TMP/out"
}

# Two post offices, a job each, and both in one store.
job sales sales
job hq hq
job one sales
job one hq
expect_status 0 "$CCMIG" merge --store "$TMP/all.db" "$TMP/sales.db" "$TMP/hq.db"
expect_grep "Merged 2 stores into" "$TMP/out"
same one all
verify_clean all sales
verify_clean all hq
[ "$(q all 'SELECT count(*) FROM runs')" = 4 ] && pass || fail "runs of both jobs"
[ "$(q all "SELECT count(*) FROM runs WHERE merged_from LIKE '%/sales.db'")" = 2 ] &&
	pass || fail "the runs say which store they came from"
[ "$(q all 'SELECT count(*) FROM events')" = "$(($(q sales 'SELECT count(*) FROM events') + $(q hq 'SELECT count(*) FROM events')))" ] &&
	pass || fail "every event of every job"
[ "$(summary all)" = "$(summary one)" ] && pass || fail "report of the merge and of one store"
# The report over both stores is the report of their merge.
[ "$(summary sales hq)" = "$(summary all)" ] && pass || fail "report over two stores"
expect_status 0 "$CCMIG" report --store "$TMP/sales.db" --store "$TMP/hq.db"
expect_grep "Migration report of stores " "$TMP/out"

# In the other order: the same store.
expect_status 0 "$CCMIG" merge --store "$TMP/all2.db" "$TMP/hq.db" "$TMP/sales.db"
same all all2
# Again: nothing added.
cp "$TMP/all.db" "$TMP/again.db"
expect_status 0 "$CCMIG" merge --store "$TMP/again.db" "$TMP/sales.db" "$TMP/hq.db"
expect_grep "0 runs, 0 messages added" "$TMP/out"
same all again
[ "$(q again 'SELECT count(*) FROM runs')" = 4 ] && pass || fail "no run added twice"
[ "$(q again 'SELECT count(*) FROM events')" = "$(q all 'SELECT count(*) FROM events')" ] &&
	pass || fail "no event added twice"
# Merged one by one, and a merged store merged into another: the same.
"$CCMIG" merge --store "$TMP/step.db" "$TMP/hq.db" >/dev/null || fail "merge hq"
"$CCMIG" merge --store "$TMP/step.db" "$TMP/sales.db" >/dev/null || fail "merge sales"
same all step
"$CCMIG" merge --store "$TMP/nested.db" "$TMP/step.db" "$TMP/sales.db" >/dev/null || fail "nested"
same all nested
[ "$(q nested 'SELECT count(*) FROM runs')" = 4 ] && pass || fail "runs of a merged store once"

# One post office in two stores: a pilot whose policy leaves out mail
# after a date and a user, then everyone, a second later.
POL=$(cd "$(dirname "$0")/../../scripts/policies" && pwd)
cat >"$TMP/pilot.lua" <<'LUA'
return { user = function(u) return u.name ~= 'Wright, Dana' end }
LUA
pilot() {
	"$CCMIG" migrate "$TMP/sales" --store "$TMP/$1.db" --policy "$TMP/pilot.lua" \
		--policy "$POL/date-range.lua" --policy-arg until=1999-01-01 >/dev/null 2>&1
}
pilot pilot
sleep 1
"$CCMIG" migrate "$TMP/sales" --store "$TMP/full.db" >/dev/null 2>&1
left=$(q pilot "SELECT count(*) FROM source_messages WHERE decision = 'left-out' AND reason LIKE 'policy:%'")
[ "$left" -gt 0 ] && pass || fail "the pilot left nothing out"
# Left out by the earlier run, migrated by the later: migrated, once.
expect_status 0 "$CCMIG" merge --store "$TMP/pf.db" "$TMP/pilot.db" "$TMP/full.db"
same full pf
verify_clean pf sales
[ "$(q pf "SELECT count(*) FROM source_messages WHERE reason LIKE 'policy:%'")" = 0 ] &&
	pass || fail "the later run's word stands"
expect_status 0 "$CCMIG" merge --store "$TMP/fp.db" "$TMP/full.db" "$TMP/pilot.db"
same pf fp
# Everyone first, the pilot a second later: what the pilot left out stays,
# kept, as one store of both runs keeps it.
sleep 1
pilot late
cp "$TMP/full.db" "$TMP/seq.db"
pilot seq
expect_status 0 "$CCMIG" merge --store "$TMP/fl.db" "$TMP/late.db" "$TMP/full.db"
same full fl
verify_clean fl sales
[ "$(q fl "SELECT count(*) FROM source_messages WHERE decision = 'kept' AND reason LIKE 'policy:%'")" = "$left" ] &&
	pass || fail "messages the later run left out are kept"
[ "$(q fl "SELECT count(*) FROM source_mailboxes WHERE decision = 'kept'")" = 1 ] &&
	pass || fail "the user the later run left out is kept"
[ "$(summary fl | sed 's/.runs., [0-9]*//')" = "$(summary seq | sed 's/.runs., [0-9]*//')" ] &&
	pass || fail "report of the merge and of one store of both runs"

# A merge killed half way leaves the store as it was.
cp "$TMP/sales.db" "$TMP/killed.db"
before=$(cksum <"$TMP/killed.db")
CCMIG_TEST_KILL_AT=1 "$CCMIG" merge --store "$TMP/killed.db" "$TMP/hq.db" >/dev/null 2>&1
[ $? -eq 137 ] && pass || fail "the merge was not killed"
[ "$(cksum <"$TMP/killed.db")" = "$before" ] && pass || fail "a killed merge changed the store"
expect_status 0 "$CCMIG" merge --store "$TMP/killed.db" "$TMP/hq.db"
[ ! -e "$TMP/killed.db.merging" ] && pass || fail "the working copy is left"
same all killed

# Parts refused, nothing merged, the store as it was.
before=$(cksum <"$TMP/all.db")
echo "not a store" >"$TMP/junk.db"
expect_status 2 "$CCMIG" merge --store "$TMP/all.db" "$TMP/hq.db" "$TMP/junk.db"
expect_grep "junk.db" "$TMP/err"
expect_grep "nothing was merged" "$TMP/err"
expect_status 2 "$CCMIG" merge --store "$TMP/all.db" "$TMP/hq.db" "$TMP/all.db"
expect_grep "is the store merged into" "$TMP/err"
cp "$TMP/all.db" "$TMP/copy.db"
expect_status 2 "$CCMIG" merge --store "$TMP/all.db" "$TMP/copy.db"
expect_grep "is a copy of the store merged into" "$TMP/err"
expect_status 2 "$CCMIG" merge --store "$TMP/all.db" "$TMP/nowhere.db"
expect_grep "part '$TMP/nowhere.db' does not exist" "$TMP/err"
[ "$(cksum <"$TMP/all.db")" = "$before" ] && pass || fail "a refused merge changed the store"
# A damaged part: the parts before it are not merged either.
cp "$TMP/hq.db" "$TMP/bad.db"
python3 - "$TMP/bad.db" <<'PY'
import os, sys
n = os.path.getsize(sys.argv[1])
with open(sys.argv[1], "r+b") as f:
    f.seek(n // 2)
    f.write(b"\xff" * (n * 4 // 10))
PY
DAMAGED_STORES="$TMP/bad.db"
expect_status 2 "$CCMIG" merge --store "$TMP/all.db" "$TMP/sales.db" "$TMP/bad.db"
expect_grep "part '$TMP/bad.db" "$TMP/err"
expect_grep "damaged" "$TMP/err"
[ "$(cksum <"$TMP/all.db")" = "$before" ] && pass || fail "a damaged part changed the store"
expect_status 2 "$CCMIG" merge "$TMP/hq.db"
expect_status 2 "$CCMIG" report --store "$TMP/hq.db" --store "$TMP/junk.db"
expect_grep "junk.db" "$TMP/err"
# A part of an older schema is named, with how to upgrade it; a merge of
# no parts into it does.
cp "$TMP/hq.db" "$TMP/old.db"
python3 - "$TMP/old.db" "$UNDO_V8" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2] + "PRAGMA user_version = 7")
PY
expect_status 2 "$CCMIG" merge --store "$TMP/old-all.db" "$TMP/sales.db" "$TMP/old.db"
expect_grep "ccmig merge --store $TMP/old.db" "$TMP/err"
[ ! -e "$TMP/old-all.db" ] && pass || fail "a refused merge made its store"
expect_status 0 "$CCMIG" merge --store "$TMP/old.db"
expect_status 0 "$CCMIG" merge --store "$TMP/old-all.db" "$TMP/sales.db" "$TMP/old.db"
same all old-all
# A part another ccmig is writing.
python3 - "$TMP/hq.db.lock" "$TMP/locked" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "w")
fcntl.flock(f, fcntl.LOCK_EX)
f.write(str(os.getpid())); f.flush()
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
for _ in $(seq 100); do [ -e "$TMP/locked" ] && break; sleep 0.05; done
expect_status 2 "$CCMIG" merge --store "$TMP/busy.db" "$TMP/hq.db"
expect_grep "another ccmig is using part '$TMP/hq.db'" "$TMP/err"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
finish
