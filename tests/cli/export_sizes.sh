# export_sizes.sh: --max-message-size, --target and --split-attachments in
# the Maildir, mbox and IMAP (Dovecot) exports: a message over the limit is
# left out as a decision (report, counts, exit 0), the same on a second
# run and written with a larger limit; with --split-attachments it is
# written under the limit with its largest attachments replaced by notes
# (export_sizes.py compares every part with the store and with an export
# made without a limit); --target gmail is 25,000,000 bytes and an explicit
# size wins; bad values are usage errors.
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")
IMAPD="$HERE/../imapd/dovecot.py"
trap '[ -f "$TMP/imapd/dovecot.conf" ] && python3 "$IMAPD" stop "$TMP/imapd"; rm -rf "$TMP"' EXIT
trap 'exit 2' HUP INT TERM

# Seed 11: attachments in most messages, a message with two and a
# forwarded message holding a third (places 1, 2 and 3.2).
"$CCMIG" gen "$TMP/po" --users 6 --messages 8 --seed 11 --encoding hex \
	--attachment-share 0.6 --max-attachment 200K >/dev/null || fail "gen"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/ref"
LIMIT=14000

# report: the newest report of an export.
report() { ls -t "$TMP"/s.db.report/export-*.txt | head -n 1; }
# check NAME KIND DIR [--split]: the export at DIR against the reference.
check() {
	name=$1; shift
	if python3 -B "$HERE/export_sizes.py" "$TMP/s.db" "$TMP/ref" "$(report)" \
		"$LIMIT" "$@" >"$TMP/check" 2>&1; then pass; else
		fail "$name:"; sed 's/^/  | /' "$TMP/check" >&2; fi
	cp "$TMP/check" "$TMP/check.$name"
}
# counted N WHAT: the last check found N (> 0) messages WHAT.
counted() {
	n=$(sed -n "s/.* \([0-9]*\) $2.*/\1/p" "$TMP/check")
	if [ "${n:-0}" -gt 0 ]; then pass; else fail "$1: no message $2: $(cat "$TMP/check")"; fi
}

# Maildir: left out, said, counted, exit 0; again the same; then written.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" \
	--max-message-size $LIMIT
expect_grep "Size limit $LIMIT bytes (--max-message-size $LIMIT):" "$TMP/out"
expect_grep "[size-left-out]" "$TMP/out"
check maildir maildir "$TMP/md"
counted maildir "left out"
left=$(sed -n 's/.* \([0-9]*\) left out.*/\1/p' "$TMP/check")
expect_grep "$left messages over it left out, 0 written" "$(report)"
expect_grep "Decisions (left out on purpose, counted, not problems): $left" "$(report)"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" \
	--max-message-size $LIMIT
check maildir-again maildir "$TMP/md"
expect_grep "$left messages over it left out" "$TMP/out"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" \
	--max-message-size 1M
expect_grep "$left messages written" "$TMP/out"
if diff -r "$TMP/ref" "$TMP/md" >/dev/null; then pass; else
	fail "with a larger limit the Maildir is not the reference"; fi

# Maildir with --split-attachments: the places of a forwarded message's
# attachments too, largest first.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/split" \
	--max-message-size $LIMIT --split-attachments
expect_grep "[size-split]" "$TMP/out"
check maildir-split maildir "$TMP/split" --split
counted maildir-split split
counted maildir-split "left out"
if grep -rqx "X-ccmig-Attachments-Removed: 2, 3.2 (option:--split-attachments)" \
	"$TMP/split"; then pass; else fail "no message names places 2 and 3.2"; fi
expect_grep "written with attachments 2 'archive.zip' (22.4 KB), 3.2 'Abc.wk4' (9.9 KB) replaced by notes" "$(report)"

# mbox, both ways.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mbox" \
	--max-message-size $LIMIT
check mbox mbox "$TMP/mbox"
counted mbox "left out"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mbox" \
	--max-message-size $LIMIT --split-attachments
check mbox-split mbox "$TMP/mbox" --split
counted mbox-split split

# --target gmail is 25,000,000 bytes: a 20 MiB attachment (28 MB in base64)
# is left out; m365's 35 MiB takes it; an explicit size wins over a target.
"$CCMIG" gen "$TMP/big" --users 2 --messages 1 --seed 2 --big-attachment 20M \
	>/dev/null || fail "gen big"
expect_status 0 "$CCMIG" migrate "$TMP/big" --store "$TMP/big.db"
n_big() { find "$1" -name 'ccmig-*' -type f -size +20000k | wc -l; }
expect_status 0 "$CCMIG" export --store "$TMP/big.db" --maildir "$TMP/gmail" --target gmail
expect_grep "Size limit 25000000 bytes (--target gmail): 1 message over it left out" "$TMP/out"
[ "$(n_big "$TMP/gmail")" -eq 0 ] && pass || fail "--target gmail wrote the big message"
[ "$(find "$TMP/gmail" -name 'ccmig-*' -type f | wc -l)" -gt 0 ] && pass ||
	fail "--target gmail wrote nothing"
expect_status 0 "$CCMIG" export --store "$TMP/big.db" --maildir "$TMP/m365" --target m365
[ "$(n_big "$TMP/m365")" -eq 1 ] && pass || fail "--target m365 left the big message out"
expect_status 0 "$CCMIG" export --store "$TMP/big.db" --maildir "$TMP/explicit" \
	--target gmail --max-message-size 30M
expect_grep "Size limit 31457280 bytes (--max-message-size 30M): 0 messages" "$TMP/out"
[ "$(n_big "$TMP/explicit")" -eq 1 ] && pass || fail "--max-message-size did not win"
expect_status 0 "$CCMIG" export --store "$TMP/big.db" --maildir "$TMP/dovecot" --target dovecot
[ "$(n_big "$TMP/dovecot")" -eq 1 ] && pass || fail "--target dovecot has a limit"

# Bad values: usage errors that say what is taken.
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/x" --max-message-size 12X
expect_grep "--max-message-size takes bytes, or a number with K, M or G" "$TMP/err"
expect_grep "not '12X'" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/x" --max-message-size 0
expect_grep "out of range" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/x" --target foo
expect_grep "--target takes m365, gmail or dovecot, not 'foo'" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/x" --split-attachments
expect_grep "--split-attachments needs a limit" "$TMP/err"
[ -e "$TMP/x" ] && fail "a usage error wrote an export" || pass

# IMAP into Dovecot: the same decisions, kept in the store with the run.
if ! command -v dovecot >/dev/null; then
	fail "dovecot is not installed (scripts/install-deps installs dovecot-imapd)"
	finish
	exit
fi
chmod 711 "$TMP"
if PORT=$(python3 "$IMAPD" start "$TMP/imapd" "$TMP/mail" secret 2>"$TMP/err"); then
	pass
else
	fail "dovecot did not start"; sed 's/^/  | /' "$TMP/err" >&2; finish; exit
fi
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
export_imap() {
	"$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
		--imap-credentials "$TMP/creds" --imap-ca "$TMP/imapd/cert.pem" "$@"
}
expect_status 0 export_imap --max-message-size $LIMIT --split-attachments
expect_grep "[size-split]" "$TMP/out"
check imap maildir "$TMP/mail" --split
counted imap split
n_left=$(sed -n 's/.* \([0-9]*\) left out.*/\1/p' "$TMP/check")
n_split=$(sed -n 's/.* \([0-9]*\) split.*/\1/p' "$TMP/check")
# Again: nothing sent, the same left out again (not in the ledger).
expect_status 0 export_imap --max-message-size $LIMIT --split-attachments
expect_grep " 0 messages sent" "$TMP/out"
expect_grep "$n_left messages over it left out, 0 sent" "$TMP/out"
# The runs' counts, and the report of the store sees no problem in them.
python3 - "$TMP/s.db" >"$TMP/runs" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for rid, status in db.execute("SELECT id, status FROM runs WHERE command = 'export'"):
    c = dict(db.execute("SELECT name, value FROM run_counts WHERE run_id = ?", (rid,)))
    n = db.execute("SELECT count(*) FROM events WHERE run_id = ? AND severity = 'note' "
                   "AND kind IN ('size-left-out', 'size-split')", (rid,)).fetchone()[0]
    print(status, c.get("messages"), c.get("left_out_size"), c.get("split_size"), n)
PY
if [ "$(sed -n 1p "$TMP/runs" | cut -d' ' -f1,3,4,5)" = "0 $n_left $n_split $((n_left + n_split))" ] &&
   [ "$(sed -n 2p "$TMP/runs")" = "0 0 $n_left 0 $n_left" ]; then pass; else
	fail "IMAP export runs (status messages left_out_size split_size notes): $(cat "$TMP/runs")"; fi
expect_status 0 "$CCMIG" report --store "$TMP/s.db"
# A larger limit sends what was left out.
expect_status 0 export_imap --max-message-size 1M
expect_grep " $n_left messages sent" "$TMP/out"
finish
