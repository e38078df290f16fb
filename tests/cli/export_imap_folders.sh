# export_imap_folders.sh: ccmig export --imap names folders on the
# server's terms. Folders whose names hold '.', '/', '&', '~', '%', '*',
# INBOX in other cases, accents and Japanese arrive one folder each into
# Dovecot's Maildir++ with separator '/' (the layout docs/export.md
# shows), its default Maildir++ with '.', and LAYOUT=fs; Sent Items,
# Deleted Items and Drafts go into the server's special-use folders where
# it has them (Microsoft 365's and Gmail's names), with no "Sent" or
# "Trash" of ccmig's beside them, and a user's "Archive" or "Junk Email"
# stays apart from the server's. A second run sends nothing. A server
# with CREATE-SPECIAL-USE gets ccmig's own Sent and Trash made with their
# use (tests/imapd/fake_imapd.py). The Maildir export of the same store,
# served by Dovecot, opens every folder.
. "$(dirname "$0")/lib.sh"
IMAPD="$(dirname "$0")/../imapd"
SERVERS="" FAKE=""
trap 'for s in $SERVERS; do python3 "$IMAPD/dovecot.py" stop "$TMP/$s"; done
[ -n "$FAKE" ] && kill "$FAKE" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 2' HUP INT TERM

if ! command -v dovecot >/dev/null; then
	fail "dovecot is not installed (scripts/install-deps installs dovecot-imapd)"
	finish
	exit
fi

# Inbox messages of each user, in turn, into folders with awkward names
# (extract trims the spaces; "Outbox" is the well-known Outbox).
cat >"$TMP/awkward.lua" <<'EOF'
local names = {
	"inbox.old", "Projects/2024", "v1.2/beta", "R&D", "~tilde", "Trash",
	"Trash\\Old", "50% off", "*starred*", "Legal\\Contracts", "Archive\\INBOX",
	"InBox.x", "Sent", "Archive", "Junk Email", "A.B", "A_B", "Réunions.été",
	"Outbox", " spaced ",
}
local n = 0
return {
	message = function(m, user, u)
		if m.folder ~= "Inbox" and m.folder ~= nil then return true end
		n = n + 1
		if u and u.post_office == "WESTPO" then
			return { folder = n % 2 == 0 and "日本語のフォルダ" or "フォルダ.2" }
		end
		return { folder = names[n] }     -- nil when past the list: stays
	end,
}
EOF
"$CCMIG" gen "$TMP/east" --seed 11 --users 4 --messages 30 >/dev/null || fail "gen east"
"$CCMIG" gen "$TMP/west" --seed 5 --users 2 --messages 10 --code-page 932 \
	--post-office WESTPO >/dev/null || fail "gen west"
expect_status 0 "$CCMIG" migrate "$TMP/east" --store "$TMP/s.db" --policy "$TMP/awkward.lua"
expect_status 0 "$CCMIG" migrate "$TMP/west" --store "$TMP/s.db" --code-page 932 \
	--policy "$TMP/awkward.lua"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone UTC
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s.db")

# Every awkward name is in the store, each a folder of its own.
python3 - "$TMP/s.db" >"$TMP/missing" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
have = {r[0] for r in db.execute("SELECT path FROM folders f WHERE EXISTS "
                                  "(SELECT 1 FROM messages WHERE folder_id = f.id)")}
for want in ["inbox.old", "Projects/2024", "v1.2/beta", "R&D", "~tilde", "50% off",
             "*starred*", "spaced", "Legal\\Contracts", "Archive\\INBOX", "InBox.x",
             "Sent", "Archive", "Junk Email", "A.B", "A_B", "Outbox", "Réunions.été",
             "Trash", "Trash\\Old", "日本語のフォルダ", "フォルダ.2"]:
    if want not in have:
        print(want)
PY
if [ -s "$TMP/missing" ]; then fail "folders missing from the store: $(cat "$TMP/missing")"; else pass; fi

chmod 711 "$TMP"
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"

# serve NAME DOVECOT_OPTIONS...: a Dovecot of its own; its port in $PORT.
serve() {
	name=$1
	shift
	if PORT=$(python3 "$IMAPD/dovecot.py" start "$TMP/$name" "$TMP/mail-$name" secret "$@" \
		2>"$TMP/err"); then
		SERVERS="$SERVERS $name"
		pass
	else
		fail "$name: dovecot did not start"
		sed 's/^/  | /' "$TMP/err" >&2
		return 1
	fi
}

# check NAME [--no-dates]: every message in the folder it belongs in, no
# folder more.
check() {
	if python3 -B "$IMAPD/imap_check.py" --exact ${2:-} "$TMP/s.db" "$PORT" secret "$TMP/md" \
		>"$TMP/check" 2>&1 && grep -qx "imap ok: $total messages" "$TMP/check"; then
		pass
	else
		fail "$1: server and store differ"
		sed 's/^/  | /' "$TMP/check" >&2
	fi
}

# folders NAME: the folders of every mailbox on server NAME, one a line.
folders() {
	python3 - "$PORT" "$TMP/s.db" >"$TMP/folders-$1" <<'PY'
import imaplib, sqlite3, sys
for (alias,) in sqlite3.connect(sys.argv[2]).execute(
        "SELECT alias FROM recipients WHERE kind = 'mailbox'"):
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
    m.login(alias, "secret")
    for line in m.list('""', '"*"')[1]:
        print(line.decode())
    m.logout()
PY
}

# layout NAME DOVECOT_OPTIONS...: export, check, export again.
layout() {
	name=$1
	shift
	serve "$name" "$@" || return
	expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
		--imap-credentials "$TMP/creds" --imap-ca "$TMP/$name/cert.pem" --time-zone UTC
	cp "$TMP/out" "$TMP/out-$name"
	expect_grep " $total messages sent" "$TMP/out"
	check "$name"
	expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
		--imap-credentials "$TMP/creds" --imap-ca "$TMP/$name/cert.pem" --time-zone UTC
	expect_grep " 0 messages sent" "$TMP/out"
	expect_grep "$total already there" "$TMP/out"
	folders "$name"
}

layout slash
expect_grep '"/" inbox_old' "$TMP/folders-slash"
expect_grep '"/" _tilde' "$TMP/folders-slash"
expect_grep '"/" "Sent (2)"' "$TMP/folders-slash"
expect_grep '"/" "Trash (2)/Old"' "$TMP/folders-slash"
layout dots --dots
expect_grep '"." Projects_2024' "$TMP/folders-dots"
expect_grep '"." R&AOk-unions_&AOk-t&AOk-' "$TMP/folders-dots"
layout fs --fs
expect_grep '"/" v1_2_beta' "$TMP/folders-fs"

# Microsoft 365's folders: Sent Items where the server keeps them, no
# "Sent" nor "Trash" of ccmig's; the user's Archive and Junk Email apart.
layout m365 --dots --special-use m365
expect_grep '(\HasNoChildren \Sent) "." "Sent Items"' "$TMP/folders-m365"
expect_grep '"." "Archive (2)"' "$TMP/folders-m365"
expect_grep '"." "Archive (2).INBOX"' "$TMP/folders-m365"
expect_grep '"." "Junk Email (2)"' "$TMP/folders-m365"
if grep -E ' "[.]" "?(Sent|Trash)"?$' "$TMP/folders-m365" >"$TMP/extra"; then
	fail "ccmig made its own special folders beside Microsoft 365's:"
	sed 's/^/  | /' "$TMP/extra" >&2
else
	pass
fi
# Gmail's, one level down under [Gmail].
layout gmail --special-use gmail
expect_grep '(\HasNoChildren \Sent) "/" "[Gmail]/Sent Mail"' "$TMP/folders-gmail"
expect_grep '"/" "Sent (2)"' "$TMP/folders-gmail"

# A server without special folders but with CREATE-SPECIAL-USE: ccmig
# makes Sent and Trash with their use, once in two runs (the next
# mailboxes, one at a time on this server, and the next run find them by it); a refused use ([USEATTR] for \Drafts) still
# gets the folder. Sent Items land in Sent.
python3 "$IMAPD/fake_imapd.py" special-use "$TMP/fake.log" "$TMP/fake.port" &
FAKE=$!
for _ in $(seq 100); do [ -s "$TMP/fake.port" ] && break; sleep 0.05; done
for run in 1 2; do
	expect_status 0 timeout 60 "$CCMIG" export --store "$TMP/s.db" \
		--imap "imap://127.0.0.1:$(cat "$TMP/fake.port")" --imap-credentials "$TMP/creds" \
		--imap-connections 1 --imap-insecure
	cp "$TMP/fake.log.create" "$TMP/create-$run"
done
for want in '"Sent" (USE (\Sent))' '"Trash" (USE (\Trash))'; do
	if [ "$(grep -cxF "$want" "$TMP/create-2")" = 1 ]; then pass; else
		fail "CREATE $want: not once: $(grep -cxF "$want" "$TMP/create-2")"; fi
done
expect_grep '"Drafts" (USE (\Drafts))' "$TMP/create-2"
expect_grep '"Drafts"' "$TMP/create-2"
python3 - "$TMP/s.db" "$TMP/fake.log" >"$TMP/sent" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
want = db.execute("SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id "
                  "WHERE f.special = 'sent' AND m.parent_id IS NULL").fetchone()[0]
got = sum(json.loads(l)["folder"] == "Sent" for l in open(sys.argv[2]))
print("sent %d of %d" % (got, want) if want else "no sent items")
PY
if grep -qE '^sent ([0-9]+) of \1$' "$TMP/sent"; then pass; else fail "Sent Items: $(cat "$TMP/sent")"; fi

# The Maildir export of the same store, served by Dovecot: every folder
# opens (Dovecot cannot open a Maildir++ folder whose name starts with
# '~'), every message where it belongs.
serve maildir && {
	rmdir "$TMP/mail-maildir" && cp -r "$TMP/md" "$TMP/mail-maildir"
	[ "$(id -u)" -eq 0 ] && chown -R nobody "$TMP/mail-maildir"
	# Dovecot dates a Maildir message by its file, not its Date.
	check maildir --no-dates
}

for s in $SERVERS; do
	if grep -E "(Error|Panic|Fatal):" "$TMP/$s/dovecot.log" >"$TMP/errors"; then
		fail "$s: Dovecot logged errors"
		sed 's/^/  | /' "$TMP/errors" >&2
	fi
done
finish
