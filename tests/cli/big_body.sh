# big_body.sh: a message whose text is 100 MiB arrives whole: migrate, verify
# and a Maildir export, every byte of it. It needs about 320 MB
# of $TMPDIR at its peak.
. "$(dirname "$0")/lib.sh"

size=104857600
here=$(dirname "$0")

expect_status 0 "$CCMIG" gen "$TMP/po" --users 2 --messages 2 --seed 3
# The generator splits text into items of 20 KB, as cc:Mail did; one item
# of the whole size is what a hand-made or damaged export can hold.
if python3 "$here/big_body.py" add "$TMP/po" "$size" >"$TMP/want"; then pass; else
	fail "could not add the big message"; fi
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
expect_grep "Report: 0 errors, 0 warnings" "$TMP/out"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/s.db"
expect_grep "The store accounts for every message" "$TMP/out"
# The store holds the body whole, its length as it says.
python3 - "$TMP/s.db" "$TMP/want" >"$TMP/stored" <<'PY'
import sqlite3, sys
want = int(open(sys.argv[2]).read().split()[1])
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT body_bytes, length(CAST(body AS BLOB)) FROM messages "
                 "WHERE subject = 'Big body'").fetchall()
print(row)
sys.exit(0 if len(row) == 1 and row[0][0] == row[0][1] >= want else 1)
PY
if [ $? -eq 0 ]; then pass; else fail "the store's body: $(cat "$TMP/stored")"; fi
rm -rf "$TMP/po"               # 100 MiB less on the disk before the export
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"
if python3 "$here/big_body.py" check "$TMP/md" "Big body" >"$TMP/got"; then pass; else
	fail "reading the Maildir: $(cat "$TMP/got")"; fi
if cmp -s "$TMP/want" "$TMP/got"; then pass; else
	fail "the body in the Maildir is not the text written (digest, length):" \
	     "wanted $(cat "$TMP/want"), got $(cat "$TMP/got")"; fi
finish
