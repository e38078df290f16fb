# merge_imap.sh: the IMAP ledgers of job stores merged: two jobs export to
# one Dovecot (one through a proxy that throttles, tests/imapd/
# throttle_proxy.py), their stores are merged, and the export of the
# merged store sends nothing again; the report of the merge, and the
# report over both stores, count every export's messages and waits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"

need_dovecot
"$CCMIG" gen "$TMP/east" --users 6 --messages 30 --seed 31 --post-office EASTPO >/dev/null
"$CCMIG" gen "$TMP/west" --users 5 --messages 20 --seed 32 --post-office WESTPO >/dev/null
"$CCMIG" migrate "$TMP/east" --store "$TMP/east.db" >/dev/null 2>&1 || fail "migrate east"
"$CCMIG" migrate "$TMP/west" --store "$TMP/west.db" >/dev/null 2>&1 || fail "migrate west"

start_throttled
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
# export_to STORE PORT: an export to Dovecot, or to the proxy before it
# (the same server, but another URL, and the ledger's source is the URL).
export_to() {
	CCMIG_TEST_BACKOFF_MS=10 timeout 120 "$CCMIG" export --store "$TMP/$1.db" \
		--imap "imap://127.0.0.1:$2" --imap-credentials "$TMP/creds" --imap-insecure
}
q() { sql_value "$TMP/$1.db" "$2"; }
summary() {
	stores=""
	for d in "$@"; do stores="$stores $TMP/$d.db"; done
	report_summary "s['imap_exports'], s['imap_sent'], s['imap_waits']" $stores
}
total=$(($(q east 'SELECT count(*) FROM messages WHERE parent_id IS NULL') + \
	$(q west 'SELECT count(*) FROM messages WHERE parent_id IS NULL')))

expect_status 0 export_to east "$PROXY_PORT"
expect_grep "The server made ccmig wait" "$TMP/out"
waits=$(q east "SELECT value FROM run_counts WHERE name = 'waits'")
[ "$waits" -gt 0 ] && pass || fail "the export through the proxy did not wait"
# West to Dovecot itself, as a job of its own would.
expect_status 0 export_to west "$PORT"
expect_grep ", 0 already there" "$TMP/out"

expect_status 0 "$CCMIG" merge --store "$TMP/all.db" "$TMP/east.db" "$TMP/west.db"
[ "$(q all "SELECT count(*) FROM ledger WHERE object_kind LIKE 'imap-%'")" = \
  "$(($(q east "SELECT count(*) FROM ledger WHERE object_kind LIKE 'imap-%'") + \
      $(q west "SELECT count(*) FROM ledger WHERE object_kind LIKE 'imap-%'")))" ] &&
	pass || fail "every IMAP ledger row of the jobs"
# The report counts both jobs' exports and the throttled one's waits.
EXPORT_SENT="SELECT c.value FROM run_counts c JOIN runs r ON r.id = c.run_id WHERE r.command = 'export' AND c.name = 'messages'"
sent=$(($(q east "$EXPORT_SENT") + $(q west "$EXPORT_SENT")))
[ "$(summary all)" = "2 $sent $waits" ] && pass || fail "report of the merge: $(summary all)"
[ "$(summary east west)" = "2 $sent $waits" ] && pass || fail "report of both stores: $(summary east west)"
expect_status 0 "$CCMIG" report --store "$TMP/all.db"
expect_grep "IMAP exports: 2 runs, $sent messages sent; the servers made them wait $waits times" "$TMP/out"

# The merged store to both servers' URLs: nothing sent again.
expect_status 0 export_to all "$PROXY_PORT"
expect_grep " 0 messages sent" "$TMP/out"
expect_status 0 export_to all "$PORT"
expect_grep " 0 messages sent" "$TMP/out"
expect_grep "$total already there" "$TMP/out"
python3 "$IMAPD/imap_check.py" "$TMP/all.db" "$PORT" secret - >"$TMP/check" 2>&1
if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
	fail "server and merged store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
finish
