# share.sh: a post office migrated as shares of its mailboxes (--shard,
# --mailboxes): each share's store has the whole directory and lists, the
# shares together hold what one whole migration holds, verify of a share
# is clean and verify of the whole post office against a share's store
# reports the other shares' mail missing.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
UNION="$HERE/share_union.py"
DUMP="$HERE/store_dump.py"

"$CCMIG" gen "$TMP/po" --users 8 --messages 30 --seed 3 >/dev/null
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/whole.db"

# union NAME DB...: the stores together hold what whole.db holds.
union() {
	name=$1; shift
	if python3 "$UNION" "$TMP/whole.db" "$@" >"$TMP/diff"; then pass; else
		fail "$name: the shares differ from the whole migration:"
		sed 's/^/  | /' "$TMP/diff" >&2; fi
}

# Three shares by bytes.
for i in 0 1 2; do
	expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s$i.db" --shard $i/3
	expect_grep "A share of $TMP/po (share $i/3): the mail of " "$TMP/out"
	expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/s$i.db" --shard $i/3
	expect_grep "0 missing, 0 different, 0 extra in the store" "$TMP/out"
	expect_grep "The store accounts for every message of the share." "$TMP/out"
	# The report beside the store says it was a share.
	expect_grep "[migrate-share]" "$(ls "$TMP/s$i.db.report"/migrate-*.txt | head -1)"
done
union shard "$TMP/s0.db" "$TMP/s1.db" "$TMP/s2.db"
# One share is not the whole post office: verify says what is missing.
expect_status 1 "$CCMIG" verify "$TMP/po" --store "$TMP/s0.db"
expect_grep "[verify-missing]" "$TMP/out"
expect_grep "The store does NOT account for the whole post office." "$TMP/out"
expect_status 1 "$CCMIG" verify "$TMP/po" --store "$TMP/s0.db" --shard 1/3
expect_grep "[verify-missing]" "$TMP/out"
# JSON names the share.
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/s1.db" --shard 1/3 --json
expect_grep '"share": "share 1/3"' "$TMP/out"
# The deal is the same every run: a share again adds nothing.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s1.db" --shard 1/3
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/again.db" --shard 1/3
if python3 "$DUMP" "$TMP/s1.db" "$TMP/again.db" >"$TMP/diff"; then pass; else
	fail "share 1/3 differs between two runs"; head "$TMP/diff" >&2; fi
# More shares than mailboxes: the extra ones migrate no mail, and all
# together are still the whole.
stores=""
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
	"$CCMIG" migrate "$TMP/po" --store "$TMP/m$i.db" --shard $i/15 >/dev/null ||
		fail "share $i/15 failed"
	stores="$stores $TMP/m$i.db"
done
# shellcheck disable=SC2086
union "15 shares" $stores

# A list of names: any case, comments and blank lines; the rest as
# another list: together the whole.
cat >"$TMP/a.txt" <<'TXT'
# the first wave
mary young

Announcements
TXT
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/a.db" --mailboxes "$TMP/a.txt"
expect_grep "the mailboxes of $TMP/a.txt): the mail of 2 of its" "$TMP/out"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/a.db" --mailboxes "$TMP/a.txt"
python3 - "$TMP/whole.db" >"$TMP/b.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (n,) in db.execute("SELECT DISTINCT owner_name FROM source_mailboxes UNION "
                       "SELECT DISTINCT owner_name FROM source_messages"):
    if n.lower() not in ("mary young", "announcements"):
        print(n)
PY
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/b.db" --mailboxes "$TMP/b.txt"
union lists "$TMP/a.db" "$TMP/b.db"

# Lua takes the same: a share, and a list of names.
cat >"$TMP/share.lua" <<'LUA'
local po = assert(ccmig.open(arg[1]))
local st = assert(ccmig.store(arg[2], {create = true}))
local r = assert(ccmig.migrate(po, st, {shard = "1/3"}))
local v = st:verify(po, {shard = "1/3"})
print("share verify", v.ok, v.outside > 0)
print("whole verify", st:verify(po).ok)
local st2 = assert(ccmig.store(arg[3], {create = true}))
assert(ccmig.migrate(po, st2, {mailboxes = {"Mary Young", "announcements"}}))
print("list verify", st2:verify(po, {mailboxes = {"MARY YOUNG", "Announcements"}}).ok)
print(ccmig.migrate(po, st2, {mailboxes = {"Nobody Here"}}))
LUA
expect_status 0 "$CCMIG" run "$TMP/share.lua" "$TMP/po" "$TMP/lua1.db" "$TMP/lua2.db"
expect_grep "share verify	true	true" "$TMP/out"
expect_grep "whole verify	false" "$TMP/out"
expect_grep "list verify	true" "$TMP/out"
expect_grep "'Nobody Here' (name 1 of the list) is no mailbox" "$TMP/out"
if python3 "$DUMP" "$TMP/s1.db" "$TMP/lua1.db" >"$TMP/diff"; then pass; else
	fail "ccmig.migrate{shard} differs from migrate --shard"; head "$TMP/diff" >&2; fi
if python3 "$DUMP" "$TMP/a.db" "$TMP/lua2.db" >"$TMP/diff"; then pass; else
	fail "ccmig.migrate{mailboxes} differs from migrate --mailboxes"; head "$TMP/diff" >&2; fi

# Bad shares are bad usage, said before anything is written.
printf 'Mary Young\n\nNobody Here\n' >"$TMP/bad.txt"
expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/bad.db" --mailboxes "$TMP/bad.txt"
expect_grep "'Nobody Here' at $TMP/bad.txt:3 is no mailbox of post office" "$TMP/err"
[ ! -e "$TMP/bad.db" ] && pass || fail "a bad list left a store behind"
expect_status 2 "$CCMIG" verify "$TMP/po" --store "$TMP/s0.db" --mailboxes "$TMP/bad.txt"
expect_grep "bad.txt:3" "$TMP/err"
expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/bad.db" --mailboxes "$TMP/none.txt"
expect_grep "cannot read the mailbox list" "$TMP/err"
for bad in 3/3 1/0 x 1 -1/2 1/2x; do
	expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/bad.db" --shard "$bad"
	expect_grep "--shard takes I/N with 0 <= I < N" "$TMP/err"
done
expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/bad.db" --shard 0/2 \
	--mailboxes "$TMP/a.txt"
expect_grep "give one" "$TMP/err"
finish
