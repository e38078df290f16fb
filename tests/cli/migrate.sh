# migrate.sh: dirsync, migrate, verify, import end to end on the command line.
. "$(dirname "$0")/lib.sh"

# Q194218 from the command line: dirsync first, then mail skipped: every
# user is still a mailbox, each the custom recipient dirsync made.
expect_status 1 "$CCMIG" dirsync "$DATA/salespo" --store "$TMP/a.db"
expect_status 1 "$CCMIG" migrate "$DATA/salespo" --store "$TMP/a.db" --no-mail
expect_grep "4 custom recipients made mailboxes" "$TMP/out"
# The mail --no-mail left out is accounted for by that decision; what
# keeps verify at 1 is the post office's own damage: Ghost's mail file
# names no user of the directory, so nobody can read it.
expect_status 1 "$CCMIG" verify "$DATA/salespo" --store "$TMP/a.db"
expect_grep "4 users (0 left out by decision, 0 without a mailbox and no decision)" "$TMP/out"
expect_grep "1 in the store as they are, 5 left out by decision; 0 missing, 0 different, 0 extra" "$TMP/out"
expect_grep "left out: 5 by option:no-mail" "$TMP/out"
expect_grep "[mailbox-not-in-directory]" "$TMP/out"
expect_grep "The store does NOT account for the whole post office." "$TMP/out"

# A whole migration verifies: every message there, but for the damage.
expect_status 1 "$CCMIG" migrate "$DATA/salespo" --store "$TMP/b.db" --keep-files "$TMP/set"
expect_status 1 "$CCMIG" verify "$DATA/salespo" --store "$TMP/b.db"
expect_grep "6 in the store as they are, 0 left out by decision; 0 missing, 0 different, 0 extra" "$TMP/out"
if [ "$(grep -c 'error:' "$TMP/out")" -eq 1 ]; then pass; else
	fail "verify of a whole migration: errors besides the post office's damage"; fi
if grep -q "damaged" "$TMP/out"; then fail "a sound store called damaged"; else pass; fi
# Mailboxes the import made keep the cc:Mail name and post office, as
# dirsync records them.
python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT ccmail_name, ccmail_po FROM recipients WHERE alias = ?", ("jsmith",)).fetchall())' \
	"$TMP/b.db" >"$TMP/names"
expect_grep "[('Smith, John', 'SALESPO')]" "$TMP/names"
# verify checks the store itself first: a row whose recipient is gone (a
# store edited by hand, a disk that lost a page) is reported, with what to do.
cp "$TMP/b.db" "$TMP/hurt.db"
DAMAGED_STORES="$TMP/hurt.db"
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(
    "INSERT INTO addresses (recipient_id, type, address, match_key) VALUES (99999, ?, ?, ?)",
    ("SMTP", "ghost@example.com", "ghost@example.com")); db.commit()' "$TMP/hurt.db"
expect_status 1 "$CCMIG" verify "$DATA/salespo" --store "$TMP/hurt.db"
expect_grep "The store is damaged" "$TMP/out"
expect_grep "table addresses row" "$TMP/out"
expect_grep "refers to a missing row of recipients" "$TMP/out"
expect_grep "Restore the store from a copy" "$TMP/out"
# The post office's export settings are kept for reading forwarded messages:
# the packing list carries them, and the import records them.
meta() {
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
	    "SELECT key, value FROM meta WHERE key LIKE ?", ("po:%",)).fetchall())' "$1" >"$TMP/meta"
}
po_row="[('po:SALESPO', 'code_page=850; date_order=MDY; attachments=RAW; item_sizes=yes; time_zone=America/New_York; post_office=SALESPO')]"
meta "$TMP/b.db"
expect_grep "$po_row" "$TMP/meta"
expect_grep "!ccmig po.txt: code_page=850;" "$TMP/set/SALESPO.pkl"
expect_status 0 "$CCMIG" import "$TMP/set/SALESPO.pkl" --store "$TMP/two.db" --create-mailboxes
meta "$TMP/two.db"
expect_grep "$po_row" "$TMP/meta"

# Importing the kept set again adds nothing.
expect_status 0 "$CCMIG" import "$TMP/set/SALESPO.pkl" --store "$TMP/b.db"
expect_grep "0 messages" "$TMP/out"
expect_status 1 "$CCMIG" verify "$DATA/salespo" --store "$TMP/b.db"
expect_grep "6 in the store as they are, 0 left out by decision; 0 missing, 0 different, 0 extra" "$TMP/out"
# A set in another zone than the store's post office: said, not changed.
expect_status 1 "$CCMIG" import "$TMP/set/SALESPO.pkl" --store "$TMP/b.db" --time-zone Europe/Paris
expect_grep "[time-zone-differs]" "$TMP/out"
expect_grep "exports use America/New_York" "$TMP/out"

# A section with no mailbox goes to a recovery file that imports once fixed.
printf '1252\r\n\r\nFilename,Filetype\r\n00000003.pri,Primary\r\n00000003.sec,Secondary\r\n' \
	>"$TMP/set/GREWAL.pkl"
# Killed while writing the recovery file: it stays a .part, and the next
# run replaces it with a whole one.
CCMIG_TEST_KILL_AT=1 "$CCMIG" import "$TMP/set/GREWAL.pkl" --store "$TMP/c.db" >/dev/null 2>&1
if ls "$TMP/set"/RECOVER-*.part >/dev/null 2>&1 && ! ls "$TMP/set"/RECOVER-*.pkl >/dev/null 2>&1
then pass; else fail "a killed import left no .part, or a recovery set that looks whole"; fi
expect_status 1 "$CCMIG" import "$TMP/set/GREWAL.pkl" --store "$TMP/c.db" --verbose
expect_grep "(event 8074)" "$TMP/out"
expect_grep "[stale-recovery-file]" "$TMP/out"
if ls "$TMP/set"/RECOVER-*.part >/dev/null 2>&1; then fail "a .part was left"; else pass; fi
rec=$(sed -n 's/^What was skipped is in the recovery file \(RECOVER-[0-9]*\.pkl\)$/\1/p' "$TMP/out")
if [ -n "$rec" ] && [ -f "$TMP/set/$rec" ]; then pass; else fail "no recovery file named"; fi
expect_status 0 "$CCMIG" import "$TMP/set/$rec" --store "$TMP/c.db" --create-mailboxes
expect_grep "2 messages" "$TMP/out"

# A Japanese post office keeps its Japanese: the migration files are in
# its Windows code page (932) unless told otherwise, not 1252.
"$CCMIG" gen "$TMP/jp" --code-page 932 --users 4 --messages 4 --seed 13 >/dev/null
expect_status 0 "$CCMIG" migrate "$TMP/jp" --store "$TMP/jp.db" --keep-r8-folders
if grep -q "code-page-replacements" "$TMP/out"; then fail "characters were lost"; else pass; fi
python3 - "$TMP/jp.db" >"$TMP/py" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = [r[0] for r in db.execute("SELECT display_name FROM recipients WHERE kind = 'mailbox'")]
assert any(ord(c) > 0x3000 for n in names for c in n), names
assert not any("?" in n for n in names), names
print("kept")
PY
expect_grep "kept" "$TMP/py"

# Bad usage and a store that is not a store.
expect_status 2 "$CCMIG" migrate "$DATA/salespo"
expect_status 2 "$CCMIG" import "$TMP/set/SALESPO.pkl"
expect_status 2 "$CCMIG" verify "$DATA/salespo"
echo "not a database" >"$TMP/junk.db"
expect_status 2 "$CCMIG" verify "$DATA/salespo" --store "$TMP/junk.db"

finish
