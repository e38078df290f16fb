# repl_questions.sh: questions a user asks at the REPL, typed on a
# pseudo-terminal (repl_questions.py), each answer checked against what
# other commands or the store itself say.
. "$(dirname "$0")/lib.sh"

"$CCMIG" gen "$TMP/po" --seed 7 --users 14 --messages 6 --attachment-share 0.4 \
	>/dev/null 2>&1 || fail "gen"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
# What the date-range policy leaves out, as a migration records it.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/dr.db" --policy date-range \
	--policy-arg since=1999-01-01 --policy-arg until=2000-07-01
expect_status 0 "$CCMIG" report --store "$TMP/dr.db" --json
cp "$TMP/out" "$TMP/report.json"
expect_status 0 "$CCMIG" inspect "$TMP/po" --json
cp "$TMP/out" "$TMP/inspect.json"

if python3 -B "$(dirname "$0")/repl_questions.py" "$CCMIG" "$TMP" >"$TMP/pty" 2>&1; then
	pass
else
	fail "questions at the REPL"
fi
sed 's/^/  pty: /' "$TMP/pty"
finish
