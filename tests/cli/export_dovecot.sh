# export_dovecot.sh: Dovecot serves what ccmig export --maildir writes, and
# every folder, message, flag and attachment of the store comes back over
# IMAP (dovecot_check.py); exporting again into a served Maildir, after a
# reader changed flags, adds the new mail and nothing twice.
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")
IMAPD="$HERE/../imapd/dovecot.py"
trap '[ -f "$TMP/imapd/dovecot.conf" ] && python3 "$IMAPD" stop "$TMP/imapd"; rm -rf "$TMP"' EXIT
trap 'exit 2' HUP INT TERM

if ! command -v dovecot >/dev/null; then
	fail "dovecot is not installed (scripts/install-deps installs dovecot-imapd)"
	finish
	exit
fi

# Two post offices for one store: names, subjects and folders with accents
# (code page 850) and in Japanese (932); attachments of many kinds and
# sizes, some with hostile names; users without mail; bulletin boards.
"$CCMIG" gen "$TMP/east" --users 8 --messages 6 --seed 3 --post-office EASTPO \
	--attachment-share 0.4 --max-attachment 64K >/dev/null || fail "gen east"
"$CCMIG" gen "$TMP/west" --users 6 --messages 5 --seed 5 --post-office WESTPO \
	--code-page 932 --encoding hex --defects hostile-names,long-header >/dev/null ||
	fail "gen west"

# Both exit 0: the messages of the R8 settings folders are left out by a
# default rule, a decision the report notes, not a problem.
expect_status 0 "$CCMIG" migrate "$TMP/east" --store "$TMP/s.db"
expect_grep "[skipped-r8-settings]" "$TMP/out"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York

# Dovecot's mail processes run as nobody when this runs as root.
chmod 711 "$TMP"
if port=$(python3 "$IMAPD" start "$TMP/imapd" "$TMP/md" secret 2>"$TMP/err"); then
	pass
else
	fail "dovecot did not start"
	sed 's/^/  | /' "$TMP/err" "$TMP/imapd/dovecot.log" >&2
	finish
	exit
fi

# check NAME: the store and what Dovecot serves agree.
check() {
	if python3 -B "$HERE/dovecot_check.py" "$TMP/s.db" "$TMP/md" "$port" secret \
		>"$TMP/imap" 2>&1; then
		pass
	else
		fail "$1: Dovecot does not serve what the store holds"
	fi
	sed "s/^/  $1: /" "$TMP/imap"
}
check east

# A reader flags every Inbox message: Dovecot renames their files
# (ccmig-<id>:2,FS), and the next export must know them all the same.
if python3 -B "$HERE/dovecot_check.py" --flag "$TMP/s.db" "$TMP/md" "$port" secret \
	>"$TMP/imap" 2>&1; then
	pass
else
	fail "flagging the Inbox messages over IMAP"
	sed 's/^/  | /' "$TMP/imap" >&2
fi

# The second post office into the same store, exported into the Maildir
# that Dovecot is serving and has written its indexes in.
expect_status 0 "$CCMIG" migrate "$TMP/west" --store "$TMP/s.db" --code-page 932
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York
# What the export added belongs to the mail user, as the rest does.
[ "$(id -u)" -eq 0 ] && chown -R --reference="$TMP/md" "$TMP/md"
check "east and west"

if grep -E "(Error|Panic|Fatal):" "$TMP/imapd/dovecot.log" >"$TMP/errors"; then
	fail "Dovecot logged errors"
	sed 's/^/  | /' "$TMP/errors" >&2
else
	pass
fi
finish
