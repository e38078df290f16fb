# export_imap_identity.sh: what ccmig export --imap skips as already there
# is the same message, known by its identity, not by its row in a store.
# Two stores of one post office number their messages differently (one
# migrated pilot group first, one at once); a store's rows can be
# numbered again; a store an older ccmig exported holds ledger rows by
# row number. Into a real Dovecot, each sends exactly what the server
# lacks: nothing twice, nothing skipped that is not there.
. "$(dirname "$0")/lib.sh"
IMAPD="$(dirname "$0")/../imapd"
CLI="$(dirname "$0")"

"$CCMIG" gen "$TMP/po" --seed 31 --users 6 --messages 20 >/dev/null
cat >"$TMP/pilot.lua" <<'LUA'
return { user = function(u) if u.name:upper():match("^[A-M]") then return nil end return false end }
LUA
"$CCMIG" migrate "$TMP/po" --store "$TMP/a.db" --policy "$TMP/pilot.lua" >/dev/null 2>&1
"$CCMIG" migrate "$TMP/po" --store "$TMP/a.db" >/dev/null 2>&1
"$CCMIG" migrate "$TMP/po" --store "$TMP/b.db" >/dev/null 2>&1
# The notice of a migrated address book is each store's own message, named
# by the store (docs/export.md): left out here, where stores are compared
# by what they hold of the post office.
for db in a b; do
	python3 - "$TMP/$db.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA foreign_keys = ON")
n = db.execute("DELETE FROM messages WHERE parent_id IS NULL AND id NOT IN "
               "(SELECT message_id FROM source_messages WHERE message_id IS NOT NULL)").rowcount
assert n > 0
db.commit()
PY
done
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/a.db")

# The two stores hold the same messages under other numbers.
PYTHONPATH="$CLI" python3 - "$TMP/a.db" "$TMP/b.db" >"$TMP/py" 2>&1 <<'PY'
import sqlite3, sys
from store_uid import uid_map
a, b = (uid_map(sqlite3.connect(p)) for p in sys.argv[1:3])
assert set(a) == set(b), "the stores differ"
moved = sum(1 for u in a if a[u] != b[u])
assert moved > len(a) // 4, "only %d of %d messages numbered differently" % (moved, len(a))
print("numbered apart")
PY
if grep -qx "numbered apart" "$TMP/py"; then pass; else
	fail "stores numbered alike"; sed 's/^/  | /' "$TMP/py" >&2; fi

# renumber STORE: in each mailbox, the row ids of its messages are dealt
# out again in reverse order, as a store built again could give them:
# each id the ledger holds for the mailbox names another of its messages.
renumber() {
	python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
refs = (("messages", "id"), ("messages", "parent_id"), ("message_recipients", "message_id"),
        ("message_headers", "message_id"), ("attachments", "message_id"),
        ("source_messages", "message_id"))
boxes = [r[0] for r in db.execute("SELECT DISTINCT ifnull(mailbox_id, 0) FROM folders")]
for box in boxes:
    ids = [r[0] for r in db.execute(
        "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id WHERE "
        "ifnull(f.mailbox_id, 0) = ? AND m.parent_id IS NULL ORDER BY m.id", (box,))]
    for old, new in zip(ids, reversed(ids)):
        for table, col in refs:
            db.execute("UPDATE %s SET %s = ? WHERE %s = ?" % (table, col, col), (-new, old))
for table, col in refs:
    db.execute("UPDATE %s SET %s = -%s WHERE %s < 0" % (table, col, col, col))
db.commit()
PY
}
# as_old_ledger STORE: its IMAP ledger rows as an older ccmig wrote them,
# by the message's row id.
as_old_ledger() {
	PYTHONPATH="$CLI" python3 - "$1" <<'PY'
import sqlite3, sys
from store_uid import uid_map
db = sqlite3.connect(sys.argv[1])
for uid, mid in uid_map(db).items():
    item = int(uid[:16], 16) & ((1 << 62) - 1) | (1 << 62)
    db.execute("UPDATE ledger SET item = ?, object_id = 0 WHERE item = ? AND "
               "object_kind LIKE 'imap-%'", (mid, item))
assert not db.execute("SELECT count(*) FROM ledger WHERE item >= 1 << 62 AND "
                      "object_kind LIKE 'imap-%'").fetchone()[0]
db.commit()
PY
}

# Servers, each a Dovecot of its own.
SERVERS=""
trap 'for d in $SERVERS; do python3 "$IMAPD/dovecot.py" stop "$d"; done; rm -rf "$TMP"' EXIT
start_server() {
	SERVERS="$SERVERS $TMP/$1"
	CA="$TMP/$1/cert.pem"
	PORT=$(python3 "$IMAPD/dovecot.py" start "$TMP/$1" "$TMP/$1-mail" secret) ||
		{ fail "dovecot did not start"; finish; exit 1; }
}
printf '*\t%%a\tsecret\n' >"$TMP/creds"
# The mailbox with the most messages alone.
big=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT r.alias FROM messages m JOIN folders f ON f.id = m.folder_id JOIN recipients r ON r.id = f.mailbox_id WHERE m.parent_id IS NULL GROUP BY r.id ORDER BY count(*) DESC').fetchone()[0])" "$TMP/a.db")
printf '%s\t%s\tsecret\n' "$big" "$big" >"$TMP/creds-big"
chmod 600 "$TMP/creds" "$TMP/creds-big"
export_to() {
	"$CCMIG" export --store "$1" --imap "imap://127.0.0.1:$PORT" \
		--imap-credentials "${2:-$TMP/creds}" --imap-ca "$CA"
}
# export_killed STORE: an export of the biggest mailbox killed once its
# 4th message is on the server, 3 of them in the ledger (base/fault.h).
export_killed() {
	CCMIG_TEST_KILL_AT=4 export_to "$1" "$TMP/creds-big" >/dev/null 2>&1
	[ $? -eq 137 ] && pass || fail "the export was not killed"
}
check_server() {
	python3 "$IMAPD/imap_check.py" "$1" "$PORT" secret - >"$TMP/check" 2>&1
	if grep -qx "imap ok: $total messages" "$TMP/check"; then pass; else
		fail "$2: server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
}
# Store A (the pilot group migrated first), exported half way; then
# its rows numbered again, and the export finished: the messages in the
# ledger are known by what they are, and no other message of the mailbox
# is taken for one of them.
start_server one
cp "$TMP/a.db" "$TMP/a-first.db"
export_killed "$TMP/a.db"
renumber "$TMP/a.db"
expect_status 0 export_to "$TMP/a.db"
expect_grep " $((total - 4)) messages sent" "$TMP/out"
expect_grep " 4 already there" "$TMP/out"
check_server "$TMP/a.db" "store A numbered again"
# Store B, the same post office migrated at once, to the same server:
# nothing to send, everything there.
expect_status 0 export_to "$TMP/b.db"
expect_grep " 0 messages sent" "$TMP/out"
expect_grep " $total already there" "$TMP/out"
check_server "$TMP/b.db" "store B after store A"
# And B again: its own ledger now says so.
expect_status 0 export_to "$TMP/b.db"
expect_grep " 0 messages sent" "$TMP/out"
expect_grep " $total already there" "$TMP/out"

# A store an older ccmig exported half way: its ledger rows name row
# ids. The export goes by the server's Message-IDs for those: what is
# there is not sent again, the rest is; and so when the rows were
# numbered again since, which those old rows cannot tell.
for case in old old-renumbered; do
	start_server "$case"
	cp "$TMP/a-first.db" "$TMP/$case.db"
	export_killed "$TMP/$case.db"
	as_old_ledger "$TMP/$case.db"
	[ "$case" = old-renumbered ] && renumber "$TMP/$case.db"
	expect_status 0 export_to "$TMP/$case.db"
	expect_grep " $((total - 4)) messages sent" "$TMP/out"
	expect_grep " 4 already there" "$TMP/out"
	check_server "$TMP/$case.db" "$case ledger"
done
finish
