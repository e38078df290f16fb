# export_imap_throttled.sh: ccmig export --imap into a real Dovecot through
# a proxy that throttles as hosted servers do (tests/imapd/throttle_proxy.py):
# NO [THROTTLED] to every 10th APPEND, "* BYE" and a closed connection after
# every 60th, half of them after the server took the message. One run
# sends every message exactly once, says so in its totals, and ends with
# exit status 0; a second run sends nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"

"$CCMIG" gen "$TMP/po" --seed 21 --users 10 --messages 300 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" >/dev/null 2>&1
"$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" >/dev/null
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s.db")
[ "$total" -ge 2000 ] && pass || fail "only $total messages"

# No TLS: the proxy reads the commands (ccmig then needs --imap-insecure).
start_throttled
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
# The waits start at 10 ms rather than 1 s: the doubling is what counts.
export_throttled() {
	CCMIG_TEST_BACKOFF_MS=10 timeout 120 "$CCMIG" export --store "$TMP/s.db" \
		--imap "imap://127.0.0.1:$PROXY_PORT" \
		--imap-credentials "$TMP/creds" --imap-insecure
}

expect_status 0 export_throttled
expect_grep "$total messages sent" "$TMP/out"
expect_grep ", 0 already there" "$TMP/out"
expect_grep "The server made ccmig wait" "$TMP/out"
# Every fault happened, more than once.
for what in throttled bye-taken bye-dropped; do
	n=$(grep -cx "$what" "$TMP/proxy.log")
	[ "$n" -ge 2 ] && pass || fail "the proxy's $what happened $n times"
done
# On the server itself: each folder holds its messages once each.
python3 "$IMAPD/imap_check.py" "$TMP/s.db" "$PORT" secret "$TMP/md" >"$TMP/check" 2>&1
if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
	fail "server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
# The run's counts in the store say the same.
python3 - "$TMP/s.db" >"$TMP/counts" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rid, status = db.execute("SELECT id, status FROM runs WHERE command = 'export' "
                         "ORDER BY id DESC").fetchone()
c = dict(db.execute("SELECT name, value FROM run_counts WHERE run_id = ?", (rid,)))
print(status, c["messages"], c["already"], c["failed"], c["mailboxes_skipped"])
PY
expect_grep "0 $total 0 0 0" "$TMP/counts"

# Again: everything is there from the run before.
expect_status 0 export_throttled
expect_grep " 0 messages sent" "$TMP/out"
expect_grep "$total already there" "$TMP/out"
finish
