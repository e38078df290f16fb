# reports.sh: each run's report is written beside its output, never over
# an earlier one, and the terminal shows a short summary of it.
. "$(dirname "$0")/lib.sh"
POLICIES=$(cd "$(dirname "$0")/../../scripts/policies" && pwd)

"$CCMIG" gen "$TMP/po" --users 30 --messages 20 --seed 3 --defects all >/dev/null

# A policy that leaves out every message: a thousand decisions, a few
# problems; the terminal gets about 20 lines, the report every event.
expect_status 1 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" --policy "$POLICIES/skip-mail.lua"
lines=$(wc -l <"$TMP/out")
if [ "$lines" -le 25 ]; then pass; else fail "the summary has $lines lines"; fi
expect_grep "[message-skipped-by-policy] a policy's message or folder hook" "$TMP/out"
expect_grep "Problems: " "$TMP/out"
expect_grep "[mailbox-not-in-directory]" "$TMP/out"
set -- "$TMP"/s.db.report/migrate-*.txt
if [ "$#" -eq 1 ] && [ -f "$1" ]; then pass; else fail "no one migrate report: $*"; fi
REPORT=$1
expect_grep "every one in $REPORT" "$TMP/out"
expect_grep "Command: ccmig migrate " "$REPORT"
expect_grep "Decisions (left out on purpose, counted, not problems): " "$REPORT"
# Every event: one line each, as many as the counts say.
said=$(sed -n 's/^Report: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) notes.*/\1 \2 \3/p' "$TMP/out")
events=$(echo "$said" | awk '{ print $1 + $2 + $3 }')
got=$(grep -c ': \(note\|warning\|error\): .*\[[a-z0-9-]*\]$' "$REPORT")
if [ "$got" -eq "$events" ] && [ "$events" -gt 400 ]; then pass; else
	fail "$got events in the report, the run said $events"; fi

# --verbose prints every event on the terminal too.
expect_status 1 "$CCMIG" migrate "$TMP/po" --store "$TMP/v.db" --policy "$POLICIES/skip-mail.lua" --verbose
got=$(grep -c '^  .*: \(note\|warning\|error\): ' "$TMP/out")
if [ "$got" -eq "$events" ]; then pass; else fail "--verbose printed $got events of $events"; fi

# A second run keeps the first's report and writes its own.
expect_status 1 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
expect_status 1 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
n=$(ls "$TMP"/s.db.report/migrate-*.txt | wc -l)
if [ "$n" -eq 3 ]; then pass; else fail "$n reports after three runs"; fi
expect_grep "Command: ccmig migrate " "$REPORT"

# import and export write theirs beside the store too; extract in the set.
expect_status 1 "$CCMIG" extract "$TMP/po" -o "$TMP/set"
expect_grep "every one in $TMP/set/ccmig-report.txt" "$TMP/out"
expect_grep "Command: ccmig extract " "$TMP/set/ccmig-report.txt"
expect_status 0 "$CCMIG" import "$TMP/set/SALESPO.pkl" --store "$TMP/i.db"
set -- "$TMP"/i.db.report/import-*.txt
if [ -f "$1" ]; then pass; else fail "no import report"; fi
expect_status 0 "$CCMIG" export --store "$TMP/i.db" --maildir "$TMP/md"
set -- "$TMP"/i.db.report/export-*.txt
if [ -f "$1" ]; then pass; else fail "no export report"; fi
expect_grep "Exported $TMP/i.db to $TMP/md" "$1"
if [ -z "$(ls -A "$TMP/md" | grep -v '^\.ccmig-lock$' | grep -iv '^[a-z0-9_ ()-]*$')" ]; then
	pass; else fail "the export's folder holds more than mailboxes"; fi

# A link planted where the reports go is not followed: the run says so
# and prints every event instead (as many as a run without a policy has).
plain=$(grep -c ': \(note\|warning\|error\): .*\[[a-z0-9-]*\]$' "$(ls "$TMP"/s.db.report/migrate-*.txt | tail -n 1)")
mkdir "$TMP/victim"
ln -s "$TMP/victim" "$TMP/l.db.report"
expect_status 1 "$CCMIG" migrate "$TMP/po" --store "$TMP/l.db"
expect_grep "symbolic link" "$TMP/err"
if [ -z "$(ls -A "$TMP/victim")" ]; then pass; else fail "a report went through the link"; fi
got=$(grep -c '^  .*: \(note\|warning\|error\): ' "$TMP/out")
if [ "$got" -eq "$plain" ]; then pass; else fail "without a report $got events printed of $plain"; fi

finish
