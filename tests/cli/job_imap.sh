# job_imap.sh: the jobs of a plan that exports to IMAP (a real Dovecot on
# loopback), each a share of one post office, one of them killed in the
# middle of its export and run again: the server ends with every message
# of the post office once, and running every job again sends nothing. The
# jobs of a plan run at once by GNU parallel (-j 4, --imap-max-rate) into
# another Dovecot deliver every message once too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/plan_lib.sh"
IMAPD="$(dirname "$0")/../imapd"

mkdir -p "$TMP/b"
"$CCMIG" gen "$TMP/b/po" --seed 11 --users 8 --messages 6 --post-office BIGPO >/dev/null
# Without private address books: the note message an address book becomes
# is named by the store that made it, so the server could not be checked
# against one whole migration's names; every message with a source is
# named by its identity, the same in every store.
sed -i '/^Private:/d' "$TMP/b/po/po.txt"
"$CCMIG" migrate "$TMP/b/po" --store "$TMP/whole.db" >/dev/null 2>&1
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/whole.db")

PORT=$(python3 "$IMAPD/dovecot.py" start "$TMP/dovecot" "$TMP/mail" secret) ||
	{ fail "dovecot did not start"; finish; exit 1; }
trap 'python3 "$IMAPD/dovecot.py" stop "$TMP/dovecot"
	python3 "$IMAPD/dovecot.py" stop "$TMP/dovecot2" 2>/dev/null; rm -rf "$TMP"' EXIT
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
expect_status 0 "$CCMIG" plan "$TMP/b" --jobs 3 -o "$TMP/plan" -- \
	--imap "imap://127.0.0.1:$PORT" --imap-credentials "$TMP/creds" \
	--imap-ca "$TMP/dovecot/cert.pem" --imap-connections 1 --time-zone America/New_York
n=$(wc -l <"$TMP/plan/jobs.txt")
[ "$n" -eq 3 ] && pass || fail "$n jobs, not 3"

# Job 0 killed at later and later points: in its migrate, then in its
# export (after the server took a message, before the ledger knew).
in_export=0
for at in 10 30 50 60 70 90 120; do
	CCMIG_TEST_KILL_AT=$at "$CCMIG" job "$TMP/plan" 0 >"$TMP/killed" 2>&1
	if ! grep -q "ccmig job: job 0 done" "$TMP/killed" &&
	   [ "$(grep '^ccmig job: ' "$TMP/killed" | tail -1 | cut -d' ' -f3)" = export ]; then
		in_export=$((in_export + 1))
	fi
done
[ "$in_export" -ge 1 ] && pass || fail "no kill fell in the export"
each_job "$TMP/plan" JOB_COMPLETION_INDEX
# Every message of the post office once, whichever job sent it.
check_server() {
	python3 "$IMAPD/imap_check.py" "$TMP/whole.db" "${2:-$PORT}" secret - >"$TMP/check" 2>&1
	if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
		fail "$1: server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
}
check_server "after every job"

# Every job again: nothing sent twice.
each_job "$TMP/plan" SLURM_ARRAY_TASK_ID " 0 messages sent"
check_server "after every job again"

# Four jobs at once into one server, each connection held to 20 messages
# a second: every message once.
if command -v parallel >/dev/null 2>&1; then
	PORT2=$(python3 "$IMAPD/dovecot.py" start "$TMP/dovecot2" "$TMP/mail2" secret) ||
		fail "the second dovecot did not start"
	expect_status 0 "$CCMIG" plan "$TMP/b" --jobs 4 --by mailbox -o "$TMP/plan2" -- \
		--imap "imap://127.0.0.1:$PORT2" --imap-credentials "$TMP/creds" \
		--imap-ca "$TMP/dovecot2/cert.pem" --imap-connections 2 --imap-max-rate 20
	n=$(wc -l <"$TMP/plan2/jobs.txt")
	[ "$n" -eq 4 ] && pass || fail "$n jobs, not 4"
	PATH="$(dirname "$CCMIG"):$PATH" expect_status 0 parallel -j4 --joblog "$TMP/joblog2" \
		<"$TMP/plan2/jobs.txt"
	# They ran at once: each started before another ended.
	overlap=$(awk 'NR > 1 { s[NR] = $3; e[NR] = $3 + $4 } END {
		n = 0; for (i in s) for (j in s) if (i != j && s[i] < e[j] && s[j] < e[i]) { n++; break }
		print n }' "$TMP/joblog2")
	[ "$overlap" -ge 2 ] && pass || fail "the jobs did not run at once ($overlap overlapped)"
	check_server "four jobs at once" "$PORT2"
else
	echo "GNU parallel not installed: its part is skipped"
fi
finish
