# sequences.sh: random sequences of migrations, policies, options and kills
# over one store, checked after every run and against one fresh run at the
# end (sequences.py says what is checked). CCMIG_SEQ_SOAK=N runs N
# sequences instead of the 60 the suite runs (docs/import.md has the
# numbers a long run passed).
. "$(dirname "$0")/lib.sh"

python3 "$(dirname "$0")/sequences.py" "$CCMIG" "$TMP/work" "${CCMIG_SEQ_SOAK:-60}" \
	"${CCMIG_SEQ_SEED:-1}" >"$TMP/seq" 2>&1
status=$?
tail -n 2 "$TMP/seq" | sed 's/^/  /'
if [ "$status" -eq 0 ]; then pass; else
	fail "sequences:"; grep -A40 "FAILED" "$TMP/seq" | head -80 | sed 's/^/  | /' >&2; fi
finish
