# export.sh: ccmig export --maildir, read back by Python's mailbox module.
. "$(dirname "$0")/lib.sh"

"$CCMIG" migrate "$DATA/salespo" --store "$TMP/s.db" >/dev/null
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York
expect_grep "4 mailboxes" "$TMP/out"

python3 - "$TMP/md" >"$TMP/py" 2>&1 <<'PY'
import email, email.policy, mailbox, os, sys
root = sys.argv[1]
def messages(path):
    md = mailbox.Maildir(path, factory=None, create=False)
    return [(k, md.get_message(k)) for k in md.keys()]
# Smith: Inbox 1 (+ the address book notice), Sent 1, Projects\1999 1.
smith = os.path.join(root, "jsmith")
inbox = messages(smith)
sent = messages(os.path.join(smith, ".Sent"))
proj = messages(os.path.join(smith, ".Projects.1999"))
assert len(inbox) == 2, len(inbox)
assert len(sent) == 1 and len(proj) == 1, (len(sent), len(proj))
# Read and unread flags travel in the file names.
assert "S" in sent[0][1].get_flags()
assert "S" not in proj[0][1].get_flags(), proj[0][1].get_flags()
# The message parses, and its attachment comes back byte for byte.
msg = email.message_from_bytes(sent[0][1].as_bytes(), policy=email.policy.default)
parts = [p for p in msg.iter_attachments()]
assert parts and parts[0].get_filename() == "budget.wk4", [p.get_filename() for p in parts]
assert parts[0].get_content() == bytes(range(256))
assert str(msg["Subject"]) == "Re: Grüße", msg["Subject"]
# The board, under public/.
pub = messages(os.path.join(root, "public", ".Lotus cc:Mail Bulletin Boards.Social"))
assert len(pub) == 1 and str(pub[0][1]["Subject"]) == "Party"
print("maildir ok")
PY
expect_grep "maildir ok" "$TMP/py"
if ! grep -q "maildir ok" "$TMP/py"; then sed 's/^/  | /' "$TMP/py" >&2; fi

# Again: nothing written twice.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York
expect_grep " 0 messages written" "$TMP/out"

# mbox: one mboxrd file per folder, read back by Python.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mb" --time-zone America/New_York
python3 - "$TMP/mb" >"$TMP/py2" 2>&1 <<'PY'
import email, email.policy, mailbox, os, sys
root = sys.argv[1]
def box(*p):
    return [email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
            for m in mailbox.mbox(os.path.join(root, *p), create=False)]
assert len(box("jsmith", "Inbox.mbox")) == 2
sent = box("jsmith", "Sent Items.mbox")
assert len(sent) == 1 and str(sent[0]["Subject"]) == "Re: Grüße"
att = list(sent[0].iter_attachments())
assert att[0].get_content() == bytes(range(256))
assert len(box("jsmith", "Projects", "1999.mbox")) == 1
# Flags in Status: the sent message was read, the project one was not.
flags = lambda *p: [m.get_flags() for m in mailbox.mbox(os.path.join(root, *p), create=False)]
assert flags("jsmith", "Sent Items.mbox") == ["RO"], flags("jsmith", "Sent Items.mbox")
assert flags("jsmith", "Projects", "1999.mbox") == [""], flags("jsmith", "Projects", "1999.mbox")
assert len(box("public", "Lotus cc:Mail Bulletin Boards", "Social.mbox")) == 1
print("mbox ok")
PY
expect_grep "mbox ok" "$TMP/py2"
if ! grep -q "mbox ok" "$TMP/py2"; then sed 's/^/  | /' "$TMP/py2" >&2; fi
# Exporting again gives the same file.
cp "$TMP/mb/jsmith/Inbox.mbox" "$TMP/first.mbox"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mb" --time-zone America/New_York
if cmp -s "$TMP/first.mbox" "$TMP/mb/jsmith/Inbox.mbox"; then pass; else fail "mbox export is not repeatable"; fi

# The store kept the post office's zone (po.txt: America/New_York) at
# import: without --time-zone the dates are the same; with another zone
# they are not.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mbz"
if cmp -s "$TMP/first.mbox" "$TMP/mbz/jsmith/Inbox.mbox"; then pass; else
	fail "export without --time-zone did not use the post office's zone"; fi
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mbu" --time-zone UTC
if cmp -s "$TMP/first.mbox" "$TMP/mbu/jsmith/Inbox.mbox"; then
	fail "--time-zone UTC gave the post office's dates"; else pass; fi
expect_grep "+0000" "$TMP/mbu/jsmith/Inbox.mbox"

# mboxrd: body lines that start "From " (after any '>') get one more '>'.
python3 - "$TMP/s.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE messages SET body = 'From here\n>From there\nFrom: not quoted\n', "
               "body_bytes = 40 WHERE subject = 'Party'").rowcount
assert n == 1, n
db.commit()
PY
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mb2"
f="$TMP/mb2/public/Lotus cc:Mail Bulletin Boards/Social.mbox"
expect_grep ">From here" "$f"
expect_grep ">>From there" "$f"
if grep -q "^>From: not quoted" "$f"; then fail "a From: header line was quoted"; else pass; fi

expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap imap://localhost
expect_status 2 "$CCMIG" export --store "$TMP/s.db"
expect_status 2 "$CCMIG" export --maildir "$TMP/md"

# Forwarded messages are messages of the store (import unfolds their
# text). A store of schema 3 kept them as '.ccm' text only: the export
# upgrades it, unfolds them, and writes exactly what a fresh store gives.
"$CCMIG" gen "$TMP/fwpo" --seed 5 --users 4 --messages 12 --defects deep-nesting >/dev/null
"$CCMIG" migrate "$TMP/fwpo" --store "$TMP/fw.db" >/dev/null 2>&1
fwd() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM messages WHERE parent_id IS NOT NULL").fetchone()[0])' "$1"; }
n=$(fwd "$TMP/fw.db")
if [ "$n" -gt 0 ]; then pass; else fail "the generated post office has no forwarded message"; fi
expect_status 0 "$CCMIG" export --store "$TMP/fw.db" --maildir "$TMP/fw-new"
python3 - "$TMP/fw.db" "$UNDO_V8" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.executescript(
    "PRAGMA foreign_keys = ON; ALTER TABLE messages DROP COLUMN stored_utc; ALTER TABLE runs DROP COLUMN who; "
    "DELETE FROM messages WHERE parent_id IS NOT NULL; DROP INDEX messages_parent; "
    "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
    "', parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE, parent_seq "
    "INTEGER, part_name TEXT', '') WHERE name = 'messages'; PRAGMA writable_schema = OFF;"
    "PRAGMA user_version = 3;")
PY
expect_status 0 "$CCMIG" export --store "$TMP/fw.db" --maildir "$TMP/fw-old"
expect_grep "forwarded messages as cc:Mail export text; they are messages of their own now" "$TMP/err"
if [ "$(fwd "$TMP/fw.db")" -eq "$n" ]; then pass; else
	fail "the upgrade unfolded $(fwd "$TMP/fw.db") forwarded messages, a fresh store $n"; fi
if diff -r "$TMP/fw-new" "$TMP/fw-old" >"$TMP/fwdiff" 2>&1; then pass; else
	fail "an upgraded store exports otherwise than a fresh one: $(head -3 "$TMP/fwdiff")"; fi
# stat counts the forwarded messages' attachments with the blobs that
# hold them: deduplication never saves more than was stored.
expect_status 0 "$CCMIG" stat --store "$TMP/fw.db"
if grep -q "TiB" "$TMP/out"; then fail "stat: $(grep deduplication "$TMP/out")"; else pass; fi
# Once only: the next export writes nothing to the store and says nothing.
expect_status 0 "$CCMIG" export --store "$TMP/fw.db" --maildir "$TMP/fw-again"
if grep -q "messages of their own" "$TMP/err"; then fail "unfolded twice"; else pass; fi

# A folder named like another folder's mbox file ("Sales.mbox\Q1" beside
# "Sales"): both files are written, and the export goes on (it stopped
# with exit 2 on every run).
cat >"$TMP/sales.lua" <<'LUA'
local n = 0
return { message = function(m, user)
	n = n + 1
	if n == 1 then return { folder = "Sales" } end
	if n == 2 then return { folder = "Sales.mbox\\Q1" } end
end }
LUA
"$CCMIG" migrate "$DATA/salespo" --store "$TMP/sales.db" --policy "$TMP/sales.lua" >/dev/null 2>&1
expect_status 0 "$CCMIG" export --store "$TMP/sales.db" --mbox "$TMP/sales-mb"
for f in "$TMP/sales-mb/jsmith/Sales.mbox" "$TMP/sales-mb/jsmith/Sales.mbox_/Q1.mbox"; do
	if [ -f "$f" ] && grep -q '^From ' "$f"; then pass; else
		fail "no message in $f: $(find "$TMP/sales-mb" | grep Sales)"; fi
done
finish
