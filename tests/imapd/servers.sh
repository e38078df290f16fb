# servers.sh: the IMAP servers of the CLI tests (sourced by tests/cli/*.sh
# after lib.sh, not run): Dovecot (tests/imapd/dovecot.py) and the fake server
# (tests/imapd/fake_imapd.py), each stopped when the test ends.
IMAPD="$(dirname "$0")/../imapd"
PIDS=""
DOVECOTS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done
for d in $DOVECOTS; do python3 "$IMAPD/dovecot.py" stop "$d"; done
rm -rf "$TMP"' EXIT

# need_dovecot: a test that needs Dovecot fails at once without it.
need_dovecot() {
	command -v dovecot >/dev/null && return
	fail "dovecot is not installed (scripts/install-deps installs dovecot-imapd)"
	finish
	exit
}

# start_dovecot NAME PASSWORD [OPTION...]: Dovecot with its state in
# $TMP/NAME (its certificate: $TMP/NAME/cert.pem) and mail in
# $TMP/NAME-mail; sets PORT (and TLS_PORT with --tls).
start_dovecot() {
	name=$1 password=$2
	shift 2
	set -- $(python3 "$IMAPD/dovecot.py" start "$TMP/$name" "$TMP/$name-mail" \
		"$password" "$@") || { fail "dovecot $name did not start"; finish; exit 1; }
	DOVECOTS="$DOVECOTS $TMP/$name"
	PORT=$1
	TLS_PORT=${2-}
}

# start_throttled: Dovecot without TLS (sets PORT) and before it the
# proxy that throttles as hosted servers do (throttle_proxy.py; sets
# PROXY_PORT), its log in $TMP/proxy.log.
start_throttled() {
	start_dovecot dovecot secret --no-ssl
	python3 "$IMAPD/throttle_proxy.py" "$PORT" "$TMP/proxy.log" "$TMP/proxy.port" &
	PIDS="$PIDS $!"
	PROXY_PORT=$(wait_port "$TMP/proxy.port")
}

# wait_port FILE: waits for a server to write its port to FILE; prints it.
wait_port() {
	for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.05; done
	cat "$1"
}

# make_store SEED USERS MESSAGES: $TMP/s.db from a generated post office,
# its Maildir export $TMP/md (what imap_check.py compares with), and
# TOTAL, the number of its messages.
make_store() {
	"$CCMIG" gen "$TMP/po" --seed "$1" --users "$2" --messages "$3" >/dev/null
	"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" >/dev/null 2>&1
	"$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" >/dev/null
	TOTAL=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s.db")
}

# start_fake MODE [VICTIM]: fake_imapd.py in MODE and a fresh copy of
# $TMP/s.db for it; sets PORT, LOG (what it took) and DB.
start_fake() {
	LOG="$TMP/$1.log"
	DB="$TMP/$1.db"
	cp "$TMP/s.db" "$DB"
	rm -f "$LOG" "$LOG".* "$TMP/$1.port"
	python3 "$IMAPD/fake_imapd.py" "$1" "$LOG" "$TMP/$1.port" ${2:+"$2"} &
	PIDS="$PIDS $!"
	PORT=$(wait_port "$TMP/$1.port")
}
