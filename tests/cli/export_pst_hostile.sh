# export_pst_hostile.sh: the stores the hostile-input catalogue leaves
# (tests/hostile/, docs/hostile-input.md: names, bodies and attachments
# cut short, full of NULs, overlong, nested, in odd code pages; aliases,
# folders and subjects a policy made hostile) exported with --pst.
#
# Every store exports with status 0 (or 1 with the documented "could not
# be written"), with no signal and no sanitizer report; every file passes
# pst_check.py and reads without a warning in readpst; pst_read_check.py
# finds every store's files the same as the store, and lspst_check.py
# their listing in lspst (lspst walks the 5000 levels readpst cannot).
#
# Kept fast (well under a minute): the catalogue's commands run without
# hostile.sh's checks (run_catalogue.py --steps-only: hostile.sh checks
# them); of the groups whose many cases leave the same few shapes of
# store, one case of each shape runs (POLICY, SOME); the readers run once
# over all files (pst_check.py, pst_read_check.py, lspst_check.py), and
# files that are byte for byte alike (most mailboxes are the untouched
# base's) are read by readpst once.
. "$(dirname "$0")/lib.sh"
HOSTILE=$(cd "$(dirname "$0")/../hostile" && pwd)
PST="$(dirname "$0")/../pst"
PY=/usr/bin/python3
if ! $PY -c 'import pypff' 2>/dev/null || ! command -v readpst >/dev/null ||
	! command -v lspst >/dev/null; then
	echo "SKIP: needs python3-pypff and pst-utils (scripts/install-deps)"
	exit 77
fi

# The groups whose cases are many ways to one refusal or one cut (a
# count, a pointer, a chain, a packing list, a code page, the policy's
# hooks) by one case of each shape of store they leave: each case kept
# gave PST files that no case before it gave. The policy cases kept: for
# each hook one that fails, each value a hook may give that reaches the
# store (2 MiB strings, escapes, line breaks, 1000 addresses, an alias
# that is a path, 5000 folder levels), a limit reached, a run stopped, a
# policy that fails for everyone.
POLICY="address-2mib address-error addresses-1000 alias-10mib alias-path
custom-recipient-error display-name-escape every-hook-fails folder-2mib
folder-5000-levels folder-error hooks-index-error last-name-2mib main-io
message-error message-loop message-os-exit names-line-breaks
result-index-error row-too-long subject-2mib subject-escape
subject-header-injection user-error user-fails-for-all"
SOME="bundle-directory-dotdot bundle-mailbox-absolute bundle-mailbox-directory
bundle-tmpdir-missing chain-cut-after-header chain-cut-in-attachment
chain-length-huge code-page-option-unknown code-page-po-ebcdic
code-page-zone-unknown count-contents-blank count-file-hex
count-file-non-numeric count-message-huge count-message-non-numeric
count-text-hex count-text-non-numeric count-text-past-end
pkl-code-page-negative pkl-empty pkl-listed-1000-times pkl-unknown-filetype
pointer-absolute pointer-negative pointer-past-end set-continuations-100000
set-cut-mid-row set-nul-in-row set-subject-header-injection"
# Every case of the others.
CASES="truncate- nul- long-line- nesting- attachment-name- folder-name- sql- $SOME"
for p in $POLICY; do CASES="$CASES policy-$p"; done

$PY "$HOSTILE/make_catalogue.py" "$CCMIG" "$TMP/cat" >"$TMP/make.log" 2>&1 ||
	{ fail "the catalogue could not be made"; sed 's/^/  | /' "$TMP/make.log" >&2; }
# Its outcome is hostile.sh's to check; here only the stores it leaves.
# shellcheck disable=SC2086
$PY "$HOSTILE/run_catalogue.py" "$CCMIG" "$TMP/cat" --steps-only --jobs 2 $CASES \
	>"$TMP/run.log" 2>&1
for c in $SOME $(for p in $POLICY; do echo "policy-$p"; done); do
	[ -f "$TMP/cat/cases/$c/case.json" ] && pass || fail "no case $c"
done

# Each store exported, two at a time: the status in DIR.rc, stderr in DIR.err.
mkdir -p "$TMP/pst"
for db in "$TMP"/cat/cases/*/out/s.db; do
	[ -f "$db" ] && echo "$db"
done | CCMIG="$CCMIG" OUT="$TMP/pst" xargs -P 2 -n 1 sh -c '
	name=$(basename "$(dirname "$(dirname "$1")")")
	"$CCMIG" export --store "$1" --pst "$OUT/$name" >/dev/null 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"' sh
stores=0
read_args=""
for db in "$TMP"/cat/cases/*/out/s.db; do
	[ -f "$db" ] || continue
	name=$(basename "$(dirname "$(dirname "$db")")")
	dir="$TMP/pst/$name"
	stores=$((stores + 1))
	rc=$(cat "$dir.rc" 2>/dev/null || echo none)
	if grep -q 'Sanitizer\|runtime error:' "$dir.err"; then
		fail "$name: sanitizer report"; tail -n 20 "$dir.err" | sed 's/^/  | /' >&2
	elif [ "$rc" = 0 ] || { [ "$rc" = 1 ] && grep -q 'could not be written' "$dir.err"; }; then
		pass
	else
		fail "$name: export --pst ended with $rc"; tail -n 20 "$dir.err" | sed 's/^/  | /' >&2
	fi
	[ ! -e "$dir"/*.tmp ] 2>/dev/null && pass || fail "$name: a .tmp file is left"
	[ "$rc" = 0 ] && read_args="$read_args --store $db --dir $dir"
done
[ "$stores" -gt 120 ] && pass || fail "only $stores stores to export"

# Files alike are read once: the first of each content.
find "$TMP/pst" -name '*.pst' -type f | sort | xargs sha256sum |
	awk '!seen[$1]++ { print $2 }' >"$TMP/distinct"
n_files=$(find "$TMP/pst" -name '*.pst' -type f | wc -l)
n_distinct=$(wc -l <"$TMP/distinct")
grep -q 'policy-folder-5000-levels/pwilson.pst$' "$TMP/distinct" && pass ||
	fail "the 5000-level folder tree was not exported"

# shellcheck disable=SC2046
if $PY -B "$PST/pst_check.py" $(cat "$TMP/distinct") >"$TMP/check" 2>&1; then pass; else
	fail "files break the format"; grep -v ': ok: ' "$TMP/check" | head -n 40 | sed 's/^/  | /' >&2; fi
while read -r f; do
	# readpst reads a folder in a child of its parent's process
	# (thousands of levels are thousands of processes deep), and writes
	# each folder to a file of the folder's name (a 300-character name
	# is past what a file name may be). pst_check.py, pst_read_check.py
	# (libpff) and lspst read those files.
	case $f in */policy-folder-5000-levels/* | */folder-name-long-300/*) continue ;; esac
	rm -rf "$TMP/rp" && mkdir "$TMP/rp"
	if readpst -q -j 0 -D -o "$TMP/rp" "$f" >"$TMP/rpout" 2>&1 &&
		! grep -qi 'error\|warn' "$TMP/rpout"; then pass; else
		fail "readpst on $f"; sed 's/^/  | /' "$TMP/rpout" >&2; fi
done <"$TMP/distinct"

# shellcheck disable=SC2086
if $PY -B "$PST/pst_read_check.py" $read_args >"$TMP/check" 2>&1; then pass; else
	fail "the PST files differ from the stores"; head -n 40 "$TMP/check" | sed 's/^/  | /' >&2; fi
grep -q '^checked [1-9]' "$TMP/check" && pass || fail "pst_read_check.py checked no message"
# shellcheck disable=SC2086
if $PY -B "$PST/lspst_check.py" $read_args >"$TMP/check" 2>&1; then pass; else
	fail "lspst lists the files otherwise"; head -n 40 "$TMP/check" | sed 's/^/  | /' >&2; fi
echo "export_pst_hostile: $stores stores, $n_files files, $n_distinct distinct"
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
