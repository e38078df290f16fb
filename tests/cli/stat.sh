# stat.sh: ccmig stat on a store after dirsync, as text and JSON, and on things that are no store.
. "$(dirname "$0")/lib.sh"

"$CCMIG" dirsync "$DATA/salespo" --store "$TMP/s.db" >/dev/null 2>&1
"$CCMIG" dirsync "$DATA/salespo" --store "$TMP/s.db" >/dev/null 2>&1

expect_status 0 "$CCMIG" stat --store "$TMP/s.db"
expect_grep "schema version 8" "$TMP/out"
expect_grep "Recipients: 7" "$TMP/out"
expect_grep "custom recipients               6" "$TMP/out"
expect_grep "distribution lists              1" "$TMP/out"
expect_grep "addresses 7, list memberships 3" "$TMP/out"
expect_grep "Runs: 2" "$TMP/out"
expect_grep "dirsync" "$TMP/out"
expect_grep "Events: 2 errors, 0 warnings, 0 notes" "$TMP/out"
expect_grep "mailbox-not-in-directory" "$TMP/out"

# --json: one object with the same numbers, and the deduplication shown
# by attachment and blob bytes (both 0 here).
expect_status 0 "$CCMIG" stat --store "$TMP/s.db" --json
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["recipients"]
assert r["total"] == 7 and r["custom"] == 6 and r["dl"] == 1 and r["mailbox"] == 0, r
assert r["memberships"] == 3
assert d["attachment_bytes"] == 0 and d["blob_bytes"] == 0
assert len(d["runs"]) == 2 and d["runs"][0]["status"] == 1
assert d["events"]["errors"] == 2
k = d["events"]["by_kind"][0]
assert k["kind"] == "mailbox-not-in-directory" and k["count"] == 2, k
' "$TMP/out"; then pass; else fail "stat --json"; fi

# stat only reads: it never makes a store.
expect_status 2 "$CCMIG" stat --store "$TMP/none.db"
expect_grep "no store" "$TMP/err"
[ -e "$TMP/none.db" ] && fail "stat created a store" || pass
expect_status 2 "$CCMIG" stat --store "$DATA/salespo/directory.exp"
expect_grep "not an SQLite database" "$TMP/err"
expect_status 2 "$CCMIG" stat
expect_status 2 "$CCMIG" stat --store "$TMP/s.db" --bogus

finish
