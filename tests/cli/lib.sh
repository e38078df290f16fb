# lib.sh: helpers for the command-line tests (sourced, not run).
# Each test is run as: sh tests/cli/NAME.sh path/to/ccmig tests/data
set -u
CCMIG=$1
DATA=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ccmig-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# expect_status WANT CMD...: runs CMD (output to $TMP/out, $TMP/err).
expect_status() {
	want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass; else
		fail "exit $got, wanted $want: $*"; sed 's/^/  | /' "$TMP/err" >&2; fi
}

# expect_grep PATTERN FILE: FILE must contain PATTERN (fixed string).
expect_grep() {
	if grep -qF -- "$1" "$2"; then pass; else fail "'$1' not in $2"; fi
}

# Stores a test damages on purpose, space-separated paths: left out of the
# check at the end.
DAMAGED_STORES=""

# stores_sound: every ccmig store the test left under $TMP passes SQLite's
# integrity_check and foreign_key_check. Files that are not ccmig stores
# (junk a test feeds on purpose) and $DAMAGED_STORES are left out.
stores_sound() {
	python3 - "$TMP" $DAMAGED_STORES <<'PY' >"$TMP/stores_sound" 2>&1
import os, sqlite3, sys
top, skip = sys.argv[1], {os.path.realpath(p) for p in sys.argv[2:]}
for d, _, files in os.walk(top):
    for f in files:
        p = os.path.join(d, f)
        if not f.endswith(".db") or os.path.realpath(p) in skip:
            continue
        try:
            db = sqlite3.connect(p)
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'recipients'").fetchone():
                continue
        except sqlite3.DatabaseError:
            continue
        bad = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        bad += ["%s row %s -> %s" % r[:3] for r in db.execute("PRAGMA foreign_key_check")]
        for b in bad:
            print("%s: %s" % (os.path.relpath(p, top), b))
PY
	if [ -s "$TMP/stores_sound" ]; then
		fail "stores left unsound:"; sed 's/^/  | /' "$TMP/stores_sound" >&2
	else pass; fi
}

# pst_readers: sets PST (the PST readers' folder) and PY (the Python with
# pypff), or skips the test when libpff's or libpst's readers are missing.
pst_readers() {
	PST="$(dirname "$0")/../pst"
	PY=/usr/bin/python3
	if ! $PY -c 'import pypff' 2>/dev/null || ! command -v readpst >/dev/null ||
		! command -v lspst >/dev/null || ! command -v pffexport >/dev/null; then
		echo "SKIP: needs python3-pypff, pst-utils and pff-tools (scripts/install-deps)"
		exit 77
	fi
}

# What schema version 8 added, taken away again: SQL that makes a store of
# version 8 one of version 7 (before user_version is set), for tests of
# older stores.
UNDO_V8="DROP INDEX messages_origin; DROP INDEX runs_origin;
ALTER TABLE messages DROP COLUMN origin; ALTER TABLE runs DROP COLUMN origin;
ALTER TABLE runs DROP COLUMN merged_from;"

# sql_value DB SQL: the first column of the first row SQL gives in DB.
sql_value() {
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$1" "$2"
}

# report_summary FIELDS DB...: the given fields (Python expression over
# the dict s) of the summary of `ccmig report --json` over the stores.
report_summary() {
	fields=$1; shift
	args=""
	for d in "$@"; do args="$args --store $d"; done
	"$CCMIG" report $args --json |
		python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print($fields)"
}

finish() {
	stores_sound
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
