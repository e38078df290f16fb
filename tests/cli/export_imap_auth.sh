# export_imap_auth.sh: how ccmig logs in. OAuth 2.0 tokens from a command
# (per mailbox, %a the alias) into a real Dovecot whose oauth2 passdb asks
# a token introspection endpoint (tests/imapd/introspect.py), with
# OAUTHBEARER and, where the server offers only it, XOAUTH2; a command
# that fails, hangs or gives a wrong token costs its mailbox alone; a
# token file. AUTHENTICATE PLAIN where offered, LOGIN where not, and the
# exchanges without SASL-IR (tests/imapd/fake_imapd.py).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"
need_dovecot
make_store 5 4 5
q() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$TMP/s.db" "$1"; }
total=$(q "SELECT count(*) FROM messages WHERE parent_id IS NULL")
# Three mailboxes whose tokens go wrong, and the messages of the others.
set -- $(q "SELECT group_concat(alias, ' ') FROM (SELECT alias FROM recipients WHERE kind = 'mailbox' ORDER BY id LIMIT 3)")
FAILS_CMD=$1 WRONG=$2 HANGS=$3
rest=$(q "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id LEFT JOIN recipients r ON r.id = f.mailbox_id WHERE m.parent_id IS NULL AND (r.alias IS NULL OR r.alias NOT IN ('$1', '$2', '$3'))")

# The identity provider: every login's token is tok-LOGIN.
for a in $(q "SELECT group_concat(alias, ' ') FROM recipients WHERE kind = 'mailbox'") public; do
	echo "$a tok-$a"
done >"$TMP/tokens"
python3 "$IMAPD/introspect.py" "$TMP/tokens" "$TMP/introspect.port" &
PIDS="$PIDS $!"
INTROSPECT="http://127.0.0.1:$(wait_port "$TMP/introspect.port")/introspect"

# dovecot NAME [OPTION...]: a Dovecot taking tokens; sets PORT.
dovecot() {
	n=$1
	shift
	start_dovecot "$n" unused --oauth2 "$INTROSPECT" "$@"
}
# With tokens, a login line needs no password.
printf '*\t%%a\n' >"$TMP/logins"
chmod 600 "$TMP/logins"
# The token command: fails for one mailbox, gives another a wrong token,
# hangs for a third unless told all is well ($TMP/all-good).
cat >"$TMP/token.sh" <<SH
case "\$1" in
$FAILS_CMD) [ -e "$TMP/all-good" ] || { echo "no token cached for \$1" >&2; exit 3; } ;;
$WRONG) [ -e "$TMP/all-good" ] || { echo "tok-stale"; exit 0; } ;;
$HANGS) [ -e "$TMP/all-good" ] || exec sleep 60 ;;
esac
echo "tok-\$1"
SH
export_tokens() {
	"$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
		--imap-credentials "$TMP/logins" --imap-ca "$TMP/$1/cert.pem" \
		--imap-oauth-token-command "sh $TMP/token.sh %a" --imap-timeout 3 --verbose
}
check_server() {  # check_server WHAT: every message is there once
	python3 "$IMAPD/imap_check.py" "$TMP/s.db" "$PORT" "tok-%a" "$TMP/md" >"$TMP/check" 2>&1
	if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
		fail "$1: server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
}

# for_mechanism NAME MECH STATUS [OPTION...]: the failing tokens (the
# wrong one refused with STATUS in the server's error), then good ones.
for_mechanism() {
	name=$1 mech=$2 status=$3
	shift 3
	rm -f "$TMP/all-good"
	dovecot "$name" "$@"
	expect_status 1 export_tokens "$name"
	expect_grep " $rest messages sent" "$TMP/out"
	expect_grep "Left out: 0 messages, 3 mailboxes" "$TMP/out"
	expect_grep "[imap-token]" "$TMP/out"
	expect_grep "the token command for mailbox '$FAILS_CMD' failed (exit status 3): no token cached for $FAILS_CMD" "$TMP/out"
	expect_grep "the token command for mailbox '$HANGS' did not finish within 3 s" "$TMP/out"
	expect_grep "refused the OAuth 2.0 token of '$WRONG' (AUTHENTICATE $mech: status \"$status\"" "$TMP/out"
	expect_grep "[imap-token-refused]" "$TMP/out"
	expect_grep "check the token command" "$TMP/out"
	touch "$TMP/all-good"
	expect_status 0 export_tokens "$name"
	expect_grep " $((total - rest)) messages sent" "$TMP/out"
	check_server "$mech"
	# Dovecot logs each login's mechanism (imap_check.py's are PLAIN).
	for a in $FAILS_CMD $WRONG $HANGS public; do
		if grep -q "Login: user=<$a>, method=$mech," "$TMP/$name/dovecot.log"; then
			pass; else fail "$name: no $mech login of $a in Dovecot's log"; fi
	done
}
for_mechanism oauthbearer OAUTHBEARER invalid_token
# A server without OAUTHBEARER: XOAUTH2 (Dovecot's error is Google's).
for_mechanism xoauth2 XOAUTH2 401 --mechanisms "plain login xoauth2"

# A token file: one line per login, '*' for the rest. Into a fresh server.
dovecot file
{ echo "# login token"; echo "$WRONG tok-$WRONG"; echo "* tok-stale"; } >"$TMP/token-file"
chmod 600 "$TMP/token-file"
expect_status 1 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/logins" --imap-ca "$TMP/file/cert.pem" \
	--imap-oauth-token-file "$TMP/token-file"
expect_grep "Exported $TMP/s.db to imap://127.0.0.1:$PORT: 1 mailboxes" "$TMP/out"
expect_grep "[imap-token-refused]" "$TMP/out"

# Bad token options: said before anything is sent.
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/logins" --imap-oauth-token-command "get %u"
expect_grep "'%u' means nothing" "$TMP/err"
printf 'a b c\n' >"$TMP/bad-tokens"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/logins" --imap-oauth-token-file "$TMP/bad-tokens"
expect_grep "bad-tokens:1: a line is" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/logins" --imap-oauth-token-file "$TMP/bad-tokens" \
	--imap-oauth-token-command "x"
expect_grep "are exclusive" "$TMP/err"
# Without a token option, a login line without a password is an error.
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/logins" --imap-ca "$TMP/file/cert.pem"
expect_grep "a line needs an alias, a login and a password" "$TMP/err"

# The fake server: no SASL-IR, so each exchange waits for "+".
to_fake() {
	"$CCMIG" export --store "$DB" --imap "imap://127.0.0.1:$PORT" --imap-insecure "$@"
}
logins() { sort "$LOG.auth" | uniq | tr '\n' ' '; }
aliases=$(q "SELECT group_concat(alias, ' ') FROM (SELECT alias FROM recipients WHERE kind = 'mailbox' ORDER BY alias)")
want_logins() {  # want_logins MECH: "MECH alias ..." for every mailbox
	for a in $aliases public; do echo "$1 $a"; done | sort | tr '\n' ' '
}
printf '*\t%%a\tpw\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
# Passwords: AUTHENTICATE PLAIN when offered, LOGIN when not.
start_fake auth-plain
expect_status 0 to_fake --imap-credentials "$TMP/creds"
expect_grep " $total messages sent" "$TMP/out"
[ "$(logins)" = "$(want_logins PLAIN)" ] && pass || fail "auth-plain: $(logins)"
start_fake plain
expect_status 0 to_fake --imap-credentials "$TMP/creds"
[ "$(logins)" = "$(want_logins LOGIN)" ] && pass || fail "plain: $(logins)"
# Tokens where the server offers no OAuth: one clear error before any mailbox.
expect_status 2 to_fake --imap-credentials "$TMP/creds" --imap-oauth-token-command "echo t"
expect_grep "offers no OAuth 2.0 login (AUTHENTICATE OAUTHBEARER or XOAUTH2; its mechanisms: none)" "$TMP/err"
# OAUTHBEARER after "+", and a refused token's error challenge answered
# with "\x01" (RFC 7628).
rm -f "$TMP/all-good"
start_fake auth-oauth
expect_status 1 to_fake --imap-credentials "$TMP/logins" \
	--imap-oauth-token-command "sh $TMP/token.sh %a" --imap-timeout 3
expect_grep "OAUTHBEARER-BAD $WRONG" "$LOG.auth"
expect_grep "status \"invalid_token\"" "$TMP/out"
if grep -q "BAD-ANSWER" "$LOG.auth"; then fail "the error challenge was answered wrongly"; else pass; fi
finish
