# export_imap.sh: ccmig export --imap into a real Dovecot on loopback:
# everything arrives once, with flags and dates; reruns, a lost ledger and
# a kill between the server's answer and the ledger send nothing twice;
# refused logins and missing credentials are reported, the rest goes on.
. "$(dirname "$0")/lib.sh"
IMAPD="$(dirname "$0")/../imapd"

"$CCMIG" gen "$TMP/po" --seed 11 --users 8 --messages 6 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" >/dev/null 2>&1
"$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York >/dev/null
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s.db")

PORT=$(python3 "$IMAPD/dovecot.py" start "$TMP/dovecot" "$TMP/mail" secret) ||
	{ fail "dovecot did not start"; finish; exit 1; }
trap 'python3 "$IMAPD/dovecot.py" stop "$TMP/dovecot"; rm -rf "$TMP"' EXIT
URL="imap://127.0.0.1:$PORT"
printf '# every mailbox logs in as itself\n*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
# imap:// goes over TLS with STARTTLS: the certificate is Dovecot's own.
CA="$TMP/dovecot/cert.pem"
export_imap() {
	"$CCMIG" export --store "$TMP/s.db" --imap "$URL" --imap-credentials "$TMP/creds" \
		--imap-ca "$CA" --time-zone America/New_York "$@"
}
check_server() {
	python3 "$IMAPD/imap_check.py" "$TMP/s.db" "${PORT}" secret "$TMP/md" >"$TMP/check" 2>&1
	if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
		fail "$1: server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
}

# A kill after the server took a message and before the ledger knew: the
# next run finds it on the server by its Message-ID.
CCMIG_TEST_KILL_AT=5 export_imap --imap-connections 1 >/dev/null 2>&1
expect_status 0 export_imap --imap-connections 3
expect_grep "already there" "$TMP/out"
check_server "after a kill and a rerun"

# Again: nothing is sent twice.
expect_status 0 export_imap
expect_grep " 0 messages sent" "$TMP/out"
expect_grep "$total already there" "$TMP/out"
check_server "after a second run"

# The ledger lost: the Message-IDs on the server still stop duplicates.
python3 -c "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute(\"DELETE FROM ledger WHERE object_kind LIKE 'imap-%'\"); d.commit()" "$TMP/s.db"
expect_status 0 export_imap
expect_grep " 0 messages sent" "$TMP/out"
check_server "without the ledger"

# The run is in the store's history with its counts.
expect_status 0 "$CCMIG" stat --store "$TMP/s.db"
expect_grep "export" "$TMP/out"

# A refused login and a mailbox with no credentials: reported, exit 1, the
# other mailboxes still go (into a second server folder tree).
first=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT alias FROM recipients WHERE kind='mailbox' ORDER BY id LIMIT 1\").fetchone()[0])" "$TMP/s.db")
printf '%s\t%s\twrong password\n' "$first" "$first" >"$TMP/creds2"
printf 'public\tpublic\tsecret\n' >>"$TMP/creds2"
expect_status 1 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT/" \
	--imap-credentials "$TMP/creds2" --imap-ca "$CA"
expect_grep "refused the login of '$first'" "$TMP/out"
expect_grep "imap-no-credentials" "$TMP/out"
expect_grep "Left out:" "$TMP/out"

# Each export is a run of the store: how it ended and what it counted.
python3 - "$TMP/s.db" "$total" >"$TMP/runs" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for rid, args, status in db.execute("SELECT id, args, status FROM runs WHERE "
                                    "command = 'export' ORDER BY id"):
    c = dict(db.execute("SELECT name, value FROM run_counts WHERE run_id = ?", (rid,)))
    print(status, args.rstrip("/"), c.get("messages"), c.get("already"),
          c.get("mailboxes_skipped"))
PY
expect_grep "0 $URL 0 $total 0" "$TMP/runs"
if [ "$(tail -n 1 "$TMP/runs" | cut -d' ' -f1)" = 1 ] &&
   [ "$(tail -n 1 "$TMP/runs" | cut -d' ' -f5)" -ge 1 ]; then pass; else
	fail "the refused export's run: $(tail -n 1 "$TMP/runs")"; fi
if [ "$(wc -l <"$TMP/runs")" -eq 5 ]; then pass; else fail "export runs: $(cat "$TMP/runs")"; fi

# imaps://: the certificate is checked against the CA given; an untrusted
# one is refused in plain words; --imap-insecure skips the check.
set -- $(python3 "$IMAPD/dovecot.py" start "$TMP/dovecot-tls" "$TMP/mail-tls" secret --tls)
trap 'python3 "$IMAPD/dovecot.py" stop "$TMP/dovecot"; python3 "$IMAPD/dovecot.py" stop "$TMP/dovecot-tls"; rm -rf "$TMP"' EXIT
TLS_PORT=$2
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "imaps://localhost:$TLS_PORT" \
	--imap-credentials "$TMP/creds" --imap-connections 2
expect_grep "is not trusted" "$TMP/err"
expect_grep "--imap-ca" "$TMP/err"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imaps://localhost:$TLS_PORT" \
	--imap-credentials "$TMP/creds" --imap-ca "$TMP/dovecot-tls/cert.pem" \
	--time-zone America/New_York
expect_grep "$total messages sent" "$TMP/out"
PORT=$1 check_server "over TLS"
# The ledger is per server: the plain server was not written to again.
expect_grep "0 already there" "$TMP/out"

# Bad usage and unreachable servers: clear words, status 2.
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "$URL"
expect_grep "needs --imap-credentials" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "http://x" --imap-credentials "$TMP/creds"
expect_grep "is not an IMAP URL" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "$URL" --imap-credentials "$TMP/none"
expect_grep "cannot read credentials file" "$TMP/err"
# A port nobody listens on: one clear error, nothing retried per mailbox.
dead=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$dead" --imap-credentials "$TMP/creds"
expect_grep "cannot connect to IMAP server 127.0.0.1:$dead" "$TMP/err"
finish
