# hostile.sh: the catalogue of hostile inputs (tests/hostile/), every case
# run and checked: a documented exit status and no crash, a clear message
# naming the file and offset, everyone else migrated, nothing written
# outside the case's output folder. docs/hostile-input.md lists the cases.
. "$(dirname "$0")/lib.sh"
HOSTILE=$(cd "$(dirname "$0")/../hostile" && pwd)

if python3 "$HOSTILE/make_catalogue.py" "$CCMIG" "$TMP/catalogue" >"$TMP/make.log" 2>&1; then
	pass
else
	fail "the catalogue could not be made"
	sed 's/^/  | /' "$TMP/make.log" >&2
fi
# Two cases at a time: most of the time goes into starting ccmig.
if python3 "$HOSTILE/run_catalogue.py" "$CCMIG" "$TMP/catalogue" --jobs 2 >"$TMP/run.log" 2>&1; then
	pass
else
	fail "hostile cases failed"
	grep -v '^[a-z0-9-]* *ok ' "$TMP/run.log" | sed 's/^/  | /' >&2
fi
tail -n 1 "$TMP/run.log"
finish
