# export_mutt.sh: mutt reads what ccmig export --maildir writes: the index,
# a message with its body and its attachments, driven through a
# pseudo-terminal (mutt_pty.py), for a post office with accented names
# (code page 850) and one with Japanese names (932).
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")

if ! command -v mutt >/dev/null; then
	fail "mutt is not installed (scripts/install-deps installs it)"
	finish
	exit
fi

for cp in 850 932; do
	"$CCMIG" gen "$TMP/po$cp" --users 6 --messages 8 --seed 11 --code-page $cp \
		--attachment-share 0.5 --max-attachment 32K >/dev/null || fail "gen $cp"
	# 1: the messages of the R8 settings folders are left out.
	expect_status 0 "$CCMIG" migrate "$TMP/po$cp" --store "$TMP/s$cp.db" --code-page $cp
	expect_status 0 "$CCMIG" export --store "$TMP/s$cp.db" --maildir "$TMP/md$cp"
	mkdir "$TMP/home$cp"
	if python3 -B "$HERE/mutt_pty.py" "$TMP/s$cp.db" "$TMP/md$cp" "$TMP/home$cp" \
		>"$TMP/mutt" 2>&1; then
		pass
	else
		fail "mutt does not show what the store holds (code page $cp)"
	fi
	sed "s/^/  $cp: /" "$TMP/mutt"
done
finish
