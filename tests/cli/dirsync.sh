# dirsync.sh: ccmig dirsync on the fixture, on a generated post office, run twice, and misused.
. "$(dirname "$0")/lib.sh"

# The fixture: six users, one list; its manifest names a mailbox that is
# not in the directory, so the run ends with a problem reported: exit 1.
expect_status 1 "$CCMIG" dirsync "$DATA/salespo" --store "$TMP/s.db"
expect_grep "users (L l R r):                 6" "$TMP/out"
expect_grep "custom recipients:               6 created, 0 updated, 0 unchanged" "$TMP/out"
expect_grep "public lists:                    1: 1 distribution lists created, 0 updated" "$TMP/out"
expect_grep "list members:                    3 (3 added, 0 removed), 0 unresolved" "$TMP/out"
expect_grep "po.txt:13: error: mailbox 'Ghost, Gary' is not in the directory" "$TMP/out"
expect_grep "(run 1)" "$TMP/out"

# What an archivist sees with the sqlite3 shell (docs/store.md).
if python3 - "$TMP/s.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = dict(db.execute("SELECT a.address, r.kind FROM addresses a JOIN recipients r "
                       "ON r.id = a.recipient_id WHERE a.type = 'CCMAIL' AND a.is_primary"))
assert rows["Smith, John at SALESPO"] == "custom", rows
assert rows["Admin at HUBPO2"] == "custom" and rows["Parkes, Joe at FARPO"] == "custom"
assert rows["Sales Team at SALESPO"] == "dl"
members = sorted(m for (m,) in db.execute(
    "SELECT m.alias FROM dl_members x JOIN recipients m ON m.id = x.member_id"))
assert members == ["jdoe", "jsmith", "jurgenm"], members
assert db.execute("SELECT status FROM runs").fetchall() == [(1,)]
PY
then pass; else fail "store contents after dirsync"; fi

# Again: nothing new, nothing changed.
expect_status 1 "$CCMIG" dirsync "$DATA/salespo" --store "$TMP/s.db"
expect_grep "custom recipients:               0 created, 0 updated, 6 unchanged" "$TMP/out"
expect_grep "list members:                    3 (0 added, 0 removed), 0 unresolved" "$TMP/out"
expect_grep "(run 2)" "$TMP/out"

# A display name rule changes display names, never aliases.
expect_status 1 "$CCMIG" dirsync "$DATA/salespo" --store "$TMP/s.db" --display-rule "%L, %F"
expect_grep "custom recipients:               0 created, 5 updated, 1 unchanged" "$TMP/out"

# A generated post office synchronises clean: exit 0, and again the same.
"$CCMIG" gen "$TMP/gen" --users 25 --messages 1 --seed 3 >/dev/null 2>&1 || fail "gen"
expect_status 0 "$CCMIG" dirsync "$TMP/gen" --store "$TMP/g.db"
expect_grep "Report: 0 errors, 0 warnings, 0 notes" "$TMP/out"
sqlite3_dump() {
	python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("recipients", "addresses", "dl_members"):
    cols = [c[1] for c in db.execute("PRAGMA table_info(%s)" % t)
            if c[1] not in ("created_run", "updated_run")]
    for r in db.execute("SELECT %s FROM %s ORDER BY 1, 2" % (", ".join(cols), t)):
        print(t, r)
PY
}
sqlite3_dump "$TMP/g.db" >"$TMP/dump1"
expect_status 0 "$CCMIG" dirsync "$TMP/gen" --store "$TMP/g.db"
expect_grep " 0 created, 0 updated" "$TMP/out"
sqlite3_dump "$TMP/g.db" >"$TMP/dump2"
if cmp -s "$TMP/dump1" "$TMP/dump2" && [ -s "$TMP/dump1" ]; then pass; else fail "second run changed the store"; fi

# Bad usage, a folder that is no bundle, a file that is no store: exit 2.
expect_status 2 "$CCMIG" dirsync "$DATA/salespo"
expect_status 2 "$CCMIG" dirsync --store "$TMP/x.db"
expect_status 2 "$CCMIG" dirsync "$DATA/salespo" --store "$TMP/x.db" --bogus
expect_status 2 "$CCMIG" dirsync "$DATA/salespo" --store "$TMP/x.db" --alias-rule "%Q"
expect_grep "bad token '%Q'" "$TMP/err"
mkdir -p "$TMP/empty"
expect_status 2 "$CCMIG" dirsync "$TMP/empty" --store "$TMP/e.db"
expect_grep "po.txt" "$TMP/err"
expect_status 2 "$CCMIG" dirsync "$DATA/salespo" --store "$DATA/salespo/po.txt"
expect_grep "not a ccmig store" "$TMP/err"

finish
