# export_stores.sh: several stores exported into one Maildir folder. Mail
# file names and Message-IDs come from each message's source identity (its
# post office, owner, fingerprint and occurrence), so two post offices'
# messages never take each other's names, and a message is "already
# there" only when it is that message: the same post office migrated into
# a second store finds its messages there; only the messages ccmig itself
# made in that store (the notice of a migrated address book) are new.
. "$(dirname "$0")/lib.sh"

count() {  # count SQL STORE: one number from the store
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[2]).execute(sys.argv[1]).fetchone()[0])" "$1" "$2"
}
TOP="SELECT count(*) FROM messages WHERE parent_id IS NULL"
MADE="SELECT count(*) FROM messages m WHERE parent_id IS NULL AND EXISTS (SELECT 1 FROM message_headers h WHERE h.message_id = m.id AND h.name = 'X-ccmig-generated')"

# Two post offices whose users have the same aliases (gen names them the
# same way), whose stores number their messages from 1 alike.
"$CCMIG" gen "$TMP/po1" --seed 5 --users 4 --messages 5 >/dev/null
"$CCMIG" gen "$TMP/po2" --seed 6 --users 4 --messages 5 >/dev/null
"$CCMIG" migrate "$TMP/po1" --store "$TMP/one.db" >/dev/null 2>&1
"$CCMIG" migrate "$TMP/po2" --store "$TMP/two.db" >/dev/null 2>&1
n1=$(count "$TOP" "$TMP/one.db")
n2=$(count "$TOP" "$TMP/two.db")
expect_status 0 "$CCMIG" export --store "$TMP/one.db" --maildir "$TMP/md"
expect_grep "$n1 messages written" "$TMP/out"
expect_status 0 "$CCMIG" export --store "$TMP/two.db" --maildir "$TMP/md"
expect_grep "$n2 messages written" "$TMP/out"
expect_grep ", 0 already there" "$TMP/out"
files=$(find "$TMP/md" -path '*/cur/ccmig-*' -type f | wc -l)
if [ "$files" -eq $((n1 + n2)) ]; then pass; else
	fail "the folder holds $files files, the stores $n1 + $n2 messages"; fi
# Every file's Message-ID is its own, and names the file.
python3 - "$TMP/md" >"$TMP/py" 2>&1 <<'PY'
import os, re, sys
seen = {}
for d, _, names in os.walk(sys.argv[1]):
    for n in names:
        if not n.startswith("ccmig-"):
            continue
        head = open(os.path.join(d, n), "rb").read().split(b"\n\n", 1)[0]
        mid = re.search(rb"^Message-ID: <ccmig\.([0-9a-f]{32})@", head, re.M).group(1).decode()
        assert n.startswith("ccmig-" + mid + ":2,"), (n, mid)
        assert mid not in seen, (mid, seen.get(mid), n)
        seen[mid] = n
print("unique", len(seen))
PY
if grep -qx "unique $((n1 + n2))" "$TMP/py"; then pass; else
	fail "Message-IDs are not unique"; sed 's/^/  | /' "$TMP/py" >&2; fi

# The first post office again, into a third store by way of its migration
# files: the same messages, found already there by name.
"$CCMIG" extract "$TMP/po1" -o "$TMP/set" >/dev/null 2>&1
"$CCMIG" import "$TMP/set/"*.pkl --store "$TMP/three.db" --create-mailboxes >/dev/null 2>&1
n3=$(count "$TOP" "$TMP/three.db")
made=$(count "$MADE" "$TMP/three.db")
if [ "$n3" -eq "$n1" ] && [ "$made" -gt 0 ]; then pass; else
	fail "the third store holds $n3 messages ($made made by ccmig), the first $n1"; fi
expect_status 0 "$CCMIG" export --store "$TMP/three.db" --maildir "$TMP/md"
expect_grep "$made messages written" "$TMP/out"
expect_grep ", $((n3 - made)) already there" "$TMP/out"

# A folder written by an older ccmig, whose files are named by store id
# alone: not taken as already there, and said.
mkdir -p "$TMP/old/pwilson/cur" "$TMP/old/pwilson/new" "$TMP/old/pwilson/tmp"
printf 'Subject: an older export\n\nx\n' >"$TMP/old/pwilson/cur/ccmig-1:2,S"
expect_status 1 "$CCMIG" export --store "$TMP/one.db" --maildir "$TMP/old"
expect_grep "$n1 messages written" "$TMP/out"
expect_grep "1 file in $TMP/old is named ccmig-<number> by an older ccmig" "$TMP/err"
stores_sound
finish
