# export_imap_tenant.sh: many jobs against one IMAP server. Four stores
# of four post offices are exported into one Dovecot at once, as separate
# processes, each with --imap-max-rate (their public folders all through
# the one "public" login): every message arrives exactly once, checked
# over IMAP folder by folder by Message-ID, and the server holds nothing
# more; all four again at once send nothing. Two exports of the SAME
# store at once (a Job that starts a pod again while the first still
# runs), by its path or through a symbolic link: the second stops at once
# with exit status 2 and sends nothing, the first finishes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"
need_dovecot

start_dovecot dovecot secret --no-ssl
MAIL="$TMP/dovecot-mail"
URL="imap://127.0.0.1:$PORT"
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
count() {
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$1"
}
# on_server: the messages in every account of the server, all folders.
on_server() {
	find "$MAIL" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l | tr -d ' '
}
# export_store I [OPTION...]: store I into the server, its public folders
# under Public/POI (one "public" account for all, a folder tree each).
export_store() {
	i=$1
	shift
	"$CCMIG" export --store "$TMP/s$i.db" --imap "$URL" --imap-credentials "$TMP/creds" \
		--imap-insecure --public-folder "Public/PO$i" "$@"
}
# all_at_once: the four exports as four processes at once; each one's
# status, output, start and end in $TMP/run.I.*.
all_at_once() {
	for i in 1 2 3 4; do
		(
			date +%s.%N >"$TMP/run.$i.start"
			export_store "$i" --imap-connections 2 --imap-max-rate 4 \
				>"$TMP/run.$i.out" 2>"$TMP/run.$i.err"
			echo $? >"$TMP/run.$i.status"
			date +%s.%N >"$TMP/run.$i.end"
		) &
	done
	wait
}
# check_stores WHEN: each store's messages once each in their folders, by
# Message-ID (imap_check.py), and nothing more in any account.
check_stores() {
	for i in 1 2 3 4; do
		python3 "$IMAPD/imap_check.py" "$TMP/s$i.db" "$PORT" secret - "Public/PO$i" \
			>"$TMP/check" 2>&1
		if grep -qx "imap ok: $(count "$TMP/s$i.db") messages" "$TMP/check"; then pass; else
			fail "$1: store $i and the server differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
	done
	n=$(on_server)
	[ "$n" -eq "$ALL" ] && pass || fail "$1: the server holds $n messages, the stores $ALL"
}

# Four post offices whose users are all different people.
ALL=0
for i in 1 2 3 4; do
	"$CCMIG" gen "$TMP/po$i" --seed $((60 + i)) --users 3 --messages 4 \
		--post-office "PO$i" >/dev/null
	"$CCMIG" migrate "$TMP/po$i" --store "$TMP/s$i.db" >/dev/null 2>&1
	ALL=$((ALL + $(count "$TMP/s$i.db")))
done
python3 - "$TMP"/s[1-4].db <<'PY' >"$TMP/aliases"
import sqlite3, sys
seen = {}
for p in sys.argv[1:]:
    for (a,) in sqlite3.connect(p).execute("SELECT alias FROM recipients WHERE kind = 'mailbox'"):
        if a.lower() in seen:
            print("alias", a, "in", seen[a.lower()], "and", p)
        seen[a.lower()] = p
PY
[ -s "$TMP/aliases" ] && fail "the post offices share users: $(cat "$TMP/aliases")" || pass

all_at_once
for i in 1 2 3 4; do
	[ "$(cat "$TMP/run.$i.status")" = 0 ] && pass ||
		{ fail "export $i: exit $(cat "$TMP/run.$i.status")"; sed 's/^/  | /' "$TMP/run.$i.err" >&2; }
	expect_grep "$(count "$TMP/s$i.db") messages sent" "$TMP/run.$i.out"
	expect_grep "Paced: " "$TMP/run.$i.out"
done
# They did run at once: each started before any ended.
if python3 - "$TMP" <<'PY'; then pass; else fail "the four exports did not overlap"; fi
import sys
t = sys.argv[1]
read = lambda i, w: float(open("%s/run.%d.%s" % (t, i, w)).read())
sys.exit(not max(read(i, "start") for i in range(1, 5)) < min(read(i, "end") for i in range(1, 5)))
PY
check_stores "four at once"

# All four again at once: everything is there, nothing goes twice.
all_at_once
for i in 1 2 3 4; do
	[ "$(cat "$TMP/run.$i.status")" = 0 ] && pass || fail "export $i again: exit $(cat "$TMP/run.$i.status")"
	expect_grep " 0 messages sent" "$TMP/run.$i.out"
	expect_grep "$(count "$TMP/s$i.db") already there" "$TMP/run.$i.out"
done
n=$(on_server)
[ "$n" -eq "$ALL" ] && pass || fail "four again at once: the server holds $n messages, the stores $ALL"

# The same store twice at once: the second export finds the store's lock
# held and stops before it logs in, by the store's path or a link to it.
"$CCMIG" gen "$TMP/po5" --seed 65 --users 2 --messages 3 --post-office PO5 >/dev/null
"$CCMIG" migrate "$TMP/po5" --store "$TMP/s5.db" >/dev/null 2>&1
ln -s s5.db "$TMP/link5.db"
n5=$(count "$TMP/s5.db")
before=$(on_server)
"$CCMIG" export --store "$TMP/s5.db" --imap "$URL" --imap-credentials "$TMP/creds" \
	--imap-insecure --public-folder Public/PO5 --imap-connections 1 --imap-max-rate 4 \
	>"$TMP/first.out" 2>"$TMP/first.err" &
first=$!
# Until the first has sent something.
for _ in $(seq 100); do [ "$(on_server)" -gt "$before" ] && break; sleep 0.05; done
[ "$(on_server)" -gt "$before" ] && pass || fail "the first export sent nothing"
expect_status 2 export_store 5
expect_grep "another ccmig is using store '$TMP/s5.db' (pid $first)" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/link5.db" --imap "$URL" \
	--imap-credentials "$TMP/creds" --imap-insecure --public-folder Public/PO5
expect_grep "another ccmig is using store '$TMP/link5.db' (pid $first)" "$TMP/err"
wait "$first"
status=$?
[ "$status" -eq 0 ] && pass || { fail "the first export: exit $status"; sed 's/^/  | /' "$TMP/first.err" >&2; }
expect_grep "$n5 messages sent" "$TMP/first.out"
ALL=$((ALL + n5))
python3 "$IMAPD/imap_check.py" "$TMP/s5.db" "$PORT" secret - Public/PO5 >"$TMP/check" 2>&1
if grep -qx "imap ok: $n5 messages" "$TMP/check"; then pass; else
	fail "the store exported twice at once and the server differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
n=$(on_server)
[ "$n" -eq "$ALL" ] && pass || fail "the server holds $n messages, the stores $ALL"
# Only the first export is a run of the store.
python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM runs WHERE command = 'export'\").fetchone()[0])" "$TMP/s5.db" >"$TMP/runs"
[ "$(cat "$TMP/runs")" = 1 ] && pass || fail "export runs of the store: $(cat "$TMP/runs")"
finish
