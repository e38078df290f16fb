# export_bcc.sh: the sender's own copy of a message keeps its Bcc header
# in the Maildir, the mbox files and on an IMAP server (Dovecot); no copy
# someone else received shows it (bcc_check.py).
. "$(dirname "$0")/lib.sh"
IMAPD="$(dirname "$0")/../imapd"

if ! command -v dovecot >/dev/null; then
	fail "dovecot is not installed (scripts/install-deps installs dovecot-imapd)"
	finish
	exit
fi
"$CCMIG" gen "$TMP/po" --seed 11 --users 10 --messages 12 >/dev/null
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mbox"
PORT=$(python3 "$IMAPD/dovecot.py" start "$TMP/dovecot" "$TMP/mail" secret) ||
	{ fail "dovecot did not start"; finish; exit 1; }
trap 'python3 "$IMAPD/dovecot.py" stop "$TMP/dovecot"; rm -rf "$TMP"' EXIT
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-ca "$TMP/dovecot/cert.pem"
if python3 "$(dirname "$0")/bcc_check.py" "$TMP/s.db" "$TMP/md" "$TMP/mbox" "$PORT" secret \
	>"$TMP/check" 2>&1; then pass; else fail "Bcc in the outputs:"; fi
sed 's/^/  | /' "$TMP/check"
finish
