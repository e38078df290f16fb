# export_links.sh: links planted in an output folder are never written
# through. A symbolic link where a mailbox's folder, a Maildir's cur/, a
# message's tmp/ file, an mbox file's .tmp or a migration file is to be
# made once made ccmig overwrite a file outside the output. Now a link
# where a folder is to be made is refused with a clear error and costs
# that mailbox or folder alone (exit 1, the rest exported); one where a
# file is to be made is removed (never followed) and the file made anew;
# extract refuses a link where a migration file goes (exit 2). The files
# outside stay as they were.
. "$(dirname "$0")/lib.sh"

"$CCMIG" gen "$TMP/po" --seed 5 --users 4 --messages 5 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" >/dev/null 2>&1
mkdir "$TMP/victim"
printf 'precious\n' >"$TMP/victim/file"
untouched() {  # untouched WHAT: the victim folder holds what it held
	if [ "$(ls "$TMP/victim")" = "file" ] && [ "$(cat "$TMP/victim/file")" = "precious" ]
	then pass; else fail "$1: the file outside the output changed"; fi
}
# messages_in DIR: messages of every Maildir or mbox file under DIR.
messages_in() {
	python3 - "$1" <<'PY'
import mailbox, os, sys
n = 0
for d, _, names in os.walk(sys.argv[1]):
    for f in names:
        if os.path.basename(d) == "cur":
            n += 1
        elif f.endswith(".mbox"):
            n += len(mailbox.mbox(os.path.join(d, f), create=False))
print(n)
PY
}
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s.db")
of() {  # of ALIAS: that mailbox's messages
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id JOIN recipients r ON r.id = f.mailbox_id WHERE r.alias = ? AND m.parent_id IS NULL', (sys.argv[2],)).fetchone()[0])" "$TMP/s.db" "$1"
}
uid() {  # uid ALIAS: the name of a message in that mailbox's Inbox
	CLI_DIR="$(dirname "$0")" python3 - "$TMP/s.db" "$1" <<'PY'
import os, sqlite3, sys
sys.path.insert(0, os.environ["CLI_DIR"])
from store_uid import uid_map
db = sqlite3.connect(sys.argv[1])
names = {i: u for u, i in uid_map(db).items()}
i = db.execute("SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id JOIN "
               "recipients r ON r.id = f.mailbox_id WHERE r.alias = ? AND f.special = "
               "'inbox' AND m.parent_id IS NULL LIMIT 1", (sys.argv[2],)).fetchone()[0]
print(names[i])
PY
}

# Maildir: a mailbox's folder that is a link, and a cur/ that is one.
mkdir -p "$TMP/md/dpatel"
ln -s ../victim "$TMP/md/dclark"
ln -s ../../victim "$TMP/md/dpatel/cur"
expect_status 1 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"
expect_grep "'$TMP/md/dclark' is a symbolic link, not what ccmig writes" "$TMP/err"
expect_grep "'$TMP/md/dpatel/cur' is a symbolic link" "$TMP/err"
expect_grep "the mailbox is not exported" "$TMP/err"
expect_grep "2 folders or files in $TMP/md were not ccmig's to write" "$TMP/err"
untouched "maildir folders"
want=$((total - $(of dclark) - $(of dpatel)))
got=$(messages_in "$TMP/md")
if [ "$got" -eq "$want" ]; then pass; else fail "maildir: $got messages written, wanted $want"; fi
# Removed, the next run writes the rest.
rm "$TMP/md/dclark" "$TMP/md/dpatel/cur"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"
got=$(messages_in "$TMP/md")
if [ "$got" -eq "$total" ]; then pass; else fail "maildir rerun: $got of $total messages"; fi

# Maildir: a message's tmp/ file that is a link (and one that is a pipe).
u=$(uid pwilson)
mkdir -p "$TMP/md2/pwilson/tmp"
ln -s ../../../victim/file "$TMP/md2/pwilson/tmp/ccmig-$u"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md2"
untouched "maildir tmp file"
if [ -f "$TMP/md2/pwilson/cur/ccmig-$u:2,S" ] || [ -f "$TMP/md2/pwilson/cur/ccmig-$u:2," ]
then pass; else fail "the message whose tmp/ name was a link was not written"; fi
mkdir -p "$TMP/md3/pwilson/tmp"
mkfifo "$TMP/md3/pwilson/tmp/ccmig-$u"
expect_status 0 timeout 30 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md3"
got=$(messages_in "$TMP/md3")
if [ "$got" -eq "$total" ]; then pass; else fail "maildir, a pipe in tmp/: $got of $total"; fi

# mbox: a mailbox's folder that is a link, a file's .tmp that is one.
mkdir -p "$TMP/mb/pwilson"
ln -s ../victim "$TMP/mb/dclark"
ln -s ../../victim/file "$TMP/mb/pwilson/Inbox.mbox.tmp"
expect_status 1 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mb"
expect_grep "'$TMP/mb/dclark' is a symbolic link" "$TMP/err"
expect_grep "1 folder or file in $TMP/mb was not ccmig's to write" "$TMP/err"
untouched "mbox"
want=$((total - $(of dclark)))
got=$(messages_in "$TMP/mb")
if [ "$got" -eq "$want" ]; then pass; else fail "mbox: $got messages written, wanted $want"; fi
if [ -f "$TMP/mb/pwilson/Inbox.mbox" ] && [ ! -L "$TMP/mb/pwilson/Inbox.mbox" ]; then pass; else
	fail "pwilson's Inbox.mbox was not written"; fi

# Migration files: a link where Directory.pri goes, and where a kept
# set's report goes.
mkdir "$TMP/set"
ln -s ../victim/file "$TMP/set/Directory.pri"
expect_status 2 "$CCMIG" extract "$TMP/po" -o "$TMP/set"
expect_grep "'$TMP/set/Directory.pri' is a symbolic link, not what ccmig writes" "$TMP/err"
untouched "extract"
mkdir "$TMP/set2"
ln -s ../victim/file "$TMP/set2/ccmig-report.txt"
"$CCMIG" extract "$TMP/po" -o "$TMP/set2" >"$TMP/out" 2>"$TMP/err"
expect_grep "'$TMP/set2/ccmig-report.txt' is a symbolic link" "$TMP/err"
untouched "extract report"
stores_sound
finish
