# export_pst.sh: generated post offices of several shapes, migrated and
# exported with --pst; every file passes pst_check.py, reads back with
# libpff and the tests' own readers (pst_read_check.py against the store:
# every recipient row, forwards inside forwards as embedded messages),
# readpst and pffexport, lists in lspst as the store has it
# (lspst_check.py: folders, subjects, no warning), and two exports of one
# store are byte for byte the same.
. "$(dirname "$0")/lib.sh"
PST="$(dirname "$0")/../pst"
PY=/usr/bin/python3
if ! $PY -c 'import pypff' 2>/dev/null || ! command -v readpst >/dev/null ||
	! command -v lspst >/dev/null || ! command -v pffexport >/dev/null; then
	echo "SKIP: needs python3-pypff, pst-utils and pff-tools (scripts/install-deps)"
	exit 77
fi

# shape NAME -- GEN_OPTS...
shape() {
	name=$1
	shift 2
	po="$TMP/$name/po"
	expect_status 0 "$CCMIG" gen "$po" "$@"
	"$CCMIG" migrate "$po" --store "$TMP/$name/s.db" >"$TMP/out" 2>"$TMP/err"
	[ $? -le 1 ] && pass || fail "$name: migrate failed"
	expect_status 0 "$CCMIG" export --store "$TMP/$name/s.db" --pst "$TMP/$name/pst"
	expect_grep "PST files" "$TMP/out"
	for f in "$TMP/$name/pst"/*.pst; do
		if python3 -B "$PST/pst_check.py" "$f" >"$TMP/check" 2>&1; then pass; else
			fail "$name: $f breaks the format"; sed 's/^/  | /' "$TMP/check" >&2; fi
		rm -rf "$TMP/rp" && mkdir "$TMP/rp"
		if readpst -q -D -o "$TMP/rp" "$f" >"$TMP/rpout" 2>&1 &&
			! grep -qi 'error\|warn' "$TMP/rpout"; then pass; else
			fail "$name: readpst on $f"; sed 's/^/  | /' "$TMP/rpout" >&2; fi
		rm -rf "$TMP/pe" "$TMP/pe.export"
		if pffexport -q -t "$TMP/pe" "$f" >"$TMP/peout" 2>&1; then pass; else
			fail "$name: pffexport on $f"; sed 's/^/  | /' "$TMP/peout" >&2; fi
		# Every message readpst writes, pffexport writes (top level).
		n_rp=$(cat "$TMP/rp"/* 2>/dev/null | grep -c '^From ' || true)
		n_pe=$(find "$TMP/pe.export" -name 'Message[0-9]*' -path '*/Top of Personal Folders/*' \
			! -path '*/Attachments/*' | wc -l)
		[ "$n_rp" -eq "$n_pe" ] && pass || fail "$name: $f: readpst $n_rp, pffexport $n_pe messages"
		nested=$(find "$TMP/pe.export" -path '*/Attachments/*' -name 'Message[0-9]*' -type d | wc -l)
		echo "$nested" >>"$TMP/$name/nested"
	done
	if $PY -B "$PST/pst_read_check.py" --store "$TMP/$name/s.db" --dir "$TMP/$name/pst" \
		>"$TMP/check" 2>&1; then pass; else
		fail "$name: the PST files differ from the store"; sed 's/^/  | /' "$TMP/check" >&2; fi
	grep -q "^checked [1-9]" "$TMP/check" && pass || fail "$name: no messages checked"
	# libpst's lspst lists the folders and subjects of the store, and says
	# nothing on stderr.
	if $PY -B "$PST/lspst_check.py" --store "$TMP/$name/s.db" --dir "$TMP/$name/pst" \
		>"$TMP/check" 2>&1; then pass; else
		fail "$name: lspst lists the files otherwise"; sed 's/^/  | /' "$TMP/check" >&2; fi
	grep -q "^lspst: [1-9][0-9]* files" "$TMP/check" && pass || fail "$name: lspst listed no file"
	# Embedded messages, as many as the store forwards (pffexport).
	want=$(sqlite3 "$TMP/$name/s.db" "SELECT count(*) FROM messages WHERE parent_id IS NOT NULL" 2>/dev/null || echo x)
	got=$(awk '{s+=$1} END {print s+0}' "$TMP/$name/nested")
	[ "$want" = "$got" ] && pass || fail "$name: $got embedded messages, the store forwards $want"
	# Deterministic: again, the same bytes.
	expect_status 0 "$CCMIG" export --store "$TMP/$name/s.db" --pst "$TMP/$name/pst2"
	for f in "$TMP/$name/pst"/*.pst; do
		cmp -s "$f" "$TMP/$name/pst2/$(basename "$f")" && pass ||
			fail "$name: two exports of $(basename "$f") differ"
	done
	[ ! -e "$TMP/$name/pst"/*.tmp ] 2>/dev/null && pass || fail "$name: a .tmp file is left"
}

shape cp850 -- --seed 11 --users 4 --messages 10 --code-page 850 --defects all \
	--big-attachment 3M --max-attachment 256K
shape cp932 -- --seed 13 --users 3 --messages 8 --code-page 932 --encoding raw \
	--attachment-share 0.3 --big-attachment 1M
shape empty -- --seed 21 --users 2 --messages 0

# A mailbox whose file cannot be written is reported; the others are written.
"$CCMIG" export --store "$TMP/cp850/s.db" --pst "$TMP/cp850/pst3" >/dev/null 2>&1
first=$(ls "$TMP/cp850/pst3" | grep '\.pst$' | head -1)
rm -f "$TMP/cp850/pst3/$first" && mkdir "$TMP/cp850/pst3/$first"
expect_status 1 "$CCMIG" export --store "$TMP/cp850/s.db" --pst "$TMP/cp850/pst3"
expect_grep "could not be written" "$TMP/err"
n=$(ls "$TMP/cp850/pst3" | grep -c '\.pst$')
[ "$n" -gt 1 ] && pass || fail "the other mailboxes' files are not written"

echo "export_pst: $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
