# export_pst_hostile.sh: the stores the hostile-input catalogue leaves
# (tests/hostile/, docs/hostile-input.md: names, bodies and attachments
# cut short, full of NULs, overlong, nested, in odd code pages) exported
# with --pst: ccmig ends with status 0 or 1 (no signal, no sanitizer
# report), every file passes pst_check.py, reads without warnings in
# readpst, and pst_read_check.py finds it the same as the store.
. "$(dirname "$0")/lib.sh"
HOSTILE=$(cd "$(dirname "$0")/../hostile" && pwd)
PST="$(dirname "$0")/../pst"
PY=/usr/bin/python3
if ! $PY -c 'import pypff' 2>/dev/null || ! command -v readpst >/dev/null; then
	echo "SKIP: needs python3-pypff and pst-utils (scripts/install-deps)"
	exit 77
fi

python3 "$HOSTILE/make_catalogue.py" "$CCMIG" "$TMP/cat" >"$TMP/make.log" 2>&1 ||
	{ fail "the catalogue could not be made"; sed 's/^/  | /' "$TMP/make.log" >&2; }
# Its outcome is hostile.sh's to check; here only the stores it leaves.
python3 "$HOSTILE/run_catalogue.py" "$CCMIG" "$TMP/cat" --jobs 2 >"$TMP/run.log" 2>&1
stores=0
mkdir -p "$TMP/pst"
for db in "$TMP"/cat/cases/*/out/s.db; do
	[ -f "$db" ] || continue
	name=$(basename "$(dirname "$(dirname "$db")")")
	dir="$TMP/pst/$name"
	stores=$((stores + 1))
	"$CCMIG" export --store "$db" --pst "$dir" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -le 1 ] && ! grep -q 'Sanitizer\|runtime error:' "$TMP/err"; then pass; else
		fail "$name: export --pst ended with $rc"; tail -n 20 "$TMP/err" | sed 's/^/  | /' >&2; fi
	for f in "$dir"/*.pst; do
		[ -f "$f" ] || continue
		if $PY -B "$PST/pst_check.py" "$f" >"$TMP/check" 2>&1; then pass; else
			fail "$name: $f breaks the format"; sed 's/^/  | /' "$TMP/check" >&2; fi
		# readpst reads each folder in a child of its parent's process:
		# thousands of levels are thousands of processes deep.
		case $name in *-5000-levels) continue ;; esac
		rm -rf "$TMP/rp" && mkdir "$TMP/rp"
		if readpst -q -D -o "$TMP/rp" "$f" >"$TMP/rpout" 2>&1 &&
			! grep -qi 'error\|warn' "$TMP/rpout"; then pass; else
			fail "$name: readpst on $f"; sed 's/^/  | /' "$TMP/rpout" >&2; fi
	done
	if [ "$rc" -eq 0 ]; then
		if $PY -B "$PST/pst_read_check.py" --store "$db" --dir "$dir" >"$TMP/check" 2>&1; then
			pass; else fail "$name: the PST files differ from the store"
			sed 's/^/  | /' "$TMP/check" | head -n 40 >&2; fi
	fi
done
[ "$stores" -gt 20 ] && pass || fail "only $stores stores to export"
echo "export_pst_hostile: $stores stores"
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
