# export_imap_tls.sh: credentials never cross the network in clear unless
# asked to. imap:// upgrades with STARTTLS (Dovecot with ssl = required);
# a server without STARTTLS is refused before any mailbox (exit 2) unless
# --imap-insecure, which warns; a wrong URL for the port (imap:// at a TLS
# port, port 993, a server that speaks TLS, imaps:// at a plain port) and
# an untrusted certificate each fail at once, saying what to write or do.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"
need_dovecot

make_store 7 3 4
total=$TOTAL
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
to() {  # to URL [OPTION...]: exports the store there
	url=$1
	shift
	"$CCMIG" export --store "$TMP/s.db" --imap "$url" --imap-credentials "$TMP/creds" "$@"
}
check_server() {
	python3 "$IMAPD/imap_check.py" "$TMP/s.db" "$PORT" secret "$TMP/md" >"$TMP/check" 2>&1
	if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
		fail "$1: server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
}
# no_login NAME: Dovecot NAME saw no login at all.
no_login() {
	if grep -q "Login: user=" "$TMP/$1/dovecot.log"; then fail "$2: a login was sent"; else pass; fi
}

# A server that takes no login before STARTTLS (LOGINDISABLED in clear).
start_dovecot required secret --ssl-required --tls
CA="$TMP/required/cert.pem"
expect_status 0 to "imap://127.0.0.1:$PORT" --imap-ca "$CA"
expect_grep " $total messages sent" "$TMP/out"
if [ -s "$TMP/err" ]; then fail "warnings over STARTTLS:"; sed 's/^/  | /' "$TMP/err" >&2; else pass; fi
check_server "over STARTTLS"
# Every login of ccmig went over TLS, with AUTHENTICATE PLAIN.
if grep "Login: user=" "$TMP/required/dovecot.log" | grep -v "method=PLAIN, .*TLS" | grep -q .; then
	fail "a login without TLS"; else pass; fi

# The certificate not trusted: the host as given, whom ccmig trusted, the
# reason and what to do.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout "$TMP/other.key" \
	-out "$TMP/other.pem" >/dev/null 2>&1
expect_status 2 to "imap://127.0.0.1:$PORT" --imap-ca "$TMP/other.pem"
expect_grep "the TLS certificate of IMAP server 127.0.0.1:$PORT is not trusted: self-signed certificate (host '127.0.0.1' as the URL names it, trusting the authorities in --imap-ca '$TMP/other.pem')" "$TMP/err"
expect_grep "give --imap-ca the certificate (PEM) of the authority" "$TMP/err"
expect_status 2 to "imaps://localhost:$TLS_PORT"
expect_grep "host 'localhost' as the URL names it, trusting the system's authorities" "$TMP/err"
expect_grep "with --imap-ca FILE" "$TMP/err"
printf 'not a certificate\n' >"$TMP/junk.pem"
expect_status 2 to "imaps://localhost:$TLS_PORT" --imap-ca "$TMP/junk.pem"
expect_grep "cannot load the certificate authorities of --imap-ca '$TMP/junk.pem'" "$TMP/err"
# --imap-insecure: the certificate unchecked, said on stderr.
expect_status 0 to "imaps://localhost:$TLS_PORT" --imap-insecure
expect_grep "warning: the TLS certificate of IMAP server imaps://localhost:$TLS_PORT is not checked" "$TMP/err"

# The wrong URL for the port: at once, or within seconds, never the
# --imap-timeout of 120 s.
t0=$(date +%s)
expect_status 2 to "imap://127.0.0.1:$TLS_PORT"
t=$(($(date +%s) - t0))
if [ "$t" -le 15 ]; then pass; else fail "imap:// at the imaps port took $t s"; fi
expect_grep "sent no greeting within 10 s" "$TMP/err"
expect_grep "write imaps://127.0.0.1:$TLS_PORT" "$TMP/err"
expect_status 2 to "imaps://127.0.0.1:$PORT" --imap-ca "$CA"
expect_grep "the server may not speak TLS on port $PORT" "$TMP/err"
expect_grep "write imap://127.0.0.1:$PORT" "$TMP/err"
expect_status 2 to "imap://127.0.0.1:993"
expect_grep "port 993 is IMAP over TLS: write imaps://127.0.0.1:993" "$TMP/err"
start_fake tls-bytes
expect_status 2 to "imap://127.0.0.1:$PORT"
expect_grep "IMAP server 127.0.0.1:$PORT speaks TLS from the start: write imaps://127.0.0.1:$PORT" "$TMP/err"

# A server without STARTTLS: refused before any login, exit 2 ...
start_dovecot clear secret --no-ssl
expect_status 2 to "imap://127.0.0.1:$PORT"
expect_grep "IMAP server 127.0.0.1:$PORT offers no STARTTLS: ccmig does not send passwords or tokens in clear" "$TMP/err"
expect_grep "write imaps://127.0.0.1" "$TMP/err"
expect_grep "--imap-insecure" "$TMP/err"
no_login clear "without STARTTLS"
# ... and used with --imap-insecure, which says what it costs.
expect_status 0 to "imap://127.0.0.1:$PORT" --imap-insecure
expect_grep "warning: IMAP server imap://127.0.0.1:$PORT offers no TLS (no STARTTLS): the passwords cross the network in clear" "$TMP/err"
check_server "in clear"
finish
