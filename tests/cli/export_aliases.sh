# export_aliases.sh: mailboxes whose aliases meet once made folder names
# or logins. Aliases "public", "public_", ".x" and "_x" (given by a
# policy): in a Maildir or mbox export each mailbox gets a folder of its
# own, "public" never a user's ("public (2)"), ".x" yields to "_x"; every
# message is where it belongs and the run says which mailboxes got a
# number. Over IMAP the credentials file's "public" line is the public
# folders' alone, and two mailboxes that would log in as one account are
# refused (exit 1) rather than mixed.
. "$(dirname "$0")/lib.sh"
IMAPD="$(dirname "$0")/../imapd"

"$CCMIG" gen "$TMP/po" --seed 5 --users 4 --messages 5 >/dev/null
cat >"$TMP/aliases.lua" <<'LUA'
local alias = { pwilson = "public", ["Clark, Dana"] = "public_",
		["Patel, Dana"] = ".x" }
return { user = function(u)
	if alias[u.name] then return { alias = alias[u.name] } end
	return { alias = "_x" }
end }
LUA
"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" --policy "$TMP/aliases.lua" >"$TMP/m" 2>&1
python3 - "$TMP/s.db" >"$TMP/aliases" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for a, n in db.execute("SELECT r.alias, (SELECT count(*) FROM messages m JOIN folders f ON "
                       "f.id = m.folder_id WHERE f.mailbox_id = r.id AND m.parent_id IS NULL) "
                       "FROM recipients r WHERE kind = 'mailbox' ORDER BY alias"):
    print(a, n)
print("public-folders", db.execute("SELECT count(*) FROM messages m JOIN folders f ON "
                                   "f.id = m.folder_id WHERE f.mailbox_id IS NULL AND "
                                   "m.parent_id IS NULL").fetchone()[0])
PY
if [ "$(cut -d' ' -f1 "$TMP/aliases" | tr '\n' ' ')" = ".x _x public public_ public-folders " ]
then pass; else fail "the policy did not give the aliases: $(cat "$TMP/aliases")"; fi
n_of() { awk -v a="$1" '$1 == a { print $2 }' "$TMP/aliases"; }

# count_in TREE DIR KIND: messages under TREE/DIR (Maildir files or mbox
# messages).
count_in() {
	python3 - "$1/$2" "$3" <<'PY'
import mailbox, os, sys
top, kind = sys.argv[1:]
n = 0
for d, _, names in os.walk(top):
    for f in names:
        if kind == "maildir" and os.path.basename(d) == "cur":
            n += 1
        elif kind == "mbox" and f.endswith(".mbox"):
            n += len(mailbox.mbox(os.path.join(d, f), create=False))
print(n)
PY
}
for kind in maildir mbox; do
	expect_status 0 "$CCMIG" export --store "$TMP/s.db" --$kind "$TMP/$kind"
	expect_grep "Note: 2 mailboxes are written to a folder with a number" "$TMP/out"
	expect_grep "'public' is in 'public (2)'" "$TMP/out"
	for pair in "public (2)=public" "public_=public_" "_x=_x" "_x (2)=.x" \
		    "public=public-folders"; do
		dir=${pair%%=*}
		want=$(n_of "${pair#*=}")
		got=$(count_in "$TMP/$kind" "$dir" $kind)
		if [ "$got" = "$want" ]; then pass; else
			fail "$kind: '$dir' holds $got messages, mailbox ${pair#*=} has $want"; fi
	done
done

# IMAP: the fake server logs the login each message came by.
printf '*\t%%a\tpw\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; rm -rf "$TMP"' EXIT
# The fake server has no TLS: the exports log in in clear (--imap-insecure).
start_fake() {  # start_fake NAME: a plain server; sets PORT and LOG
	LOG="$TMP/$1.log"
	python3 "$IMAPD/fake_imapd.py" plain "$LOG" "$TMP/$1.port" &
	PIDS="$PIDS $!"
	for _ in $(seq 100); do [ -s "$TMP/$1.port" ] && break; sleep 0.05; done
	PORT=$(cat "$TMP/$1.port")
}
wanted() {  # wanted LOGIN=MAILBOX...: "login=count" of those with messages
	for pair in "$@"; do
		n=$(n_of "${pair#*=}")
		[ "$n" -gt 0 ] && printf '%s=%s\n' "${pair%%=*}" "$n"
	done | sort | tr '\n' ' ' | sed 's/ $//'
}
logins() {  # logins: "login=count" of every message the server took
	python3 -c 'import collections, json, sys
c = collections.Counter(json.loads(l)["login"] for l in open(sys.argv[1]))
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))' "$LOG"
}
# With '*' alone, the mailbox aliased "public" and the public folders
# would both log in as "public": the public folders are refused.
start_fake star
cp "$TMP/s.db" "$TMP/star.db"
expect_status 1 "$CCMIG" export --store "$TMP/star.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-insecure
expect_grep "the public folders would log in as 'public', as mailbox 'public' does" "$TMP/out"
expect_grep "[imap-same-login]" "$TMP/out"
want=$(wanted _x=_x .x=.x public=public public_=public_)
if [ "$(logins)" = "$want" ]; then pass; else fail "star: sent $(logins), wanted $want"; fi
# A "public" line: the public folders' account alone.
printf 'public\tadmin\tpw\n' >>"$TMP/creds"
start_fake line
cp "$TMP/s.db" "$TMP/line.db"
expect_status 0 "$CCMIG" export --store "$TMP/line.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-insecure
want=$(wanted _x=_x .x=.x admin=public-folders public=public public_=public_)
if [ "$(logins)" = "$want" ]; then pass; else fail "line: sent $(logins), wanted $want"; fi
stores_sound
finish
