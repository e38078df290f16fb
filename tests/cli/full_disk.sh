# full_disk.sh: migrate and export --maildir onto a disk that fills up (a
# small tmpfs): a clear error saying what to do, exit status 2, a sound
# store; once there is room, the same command finishes the work, and the
# result is what a run with room from the start gives. Needs root (mount);
# elsewhere it says so and is skipped (status 77).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v mount >/dev/null; then
	echo "skipped: mounting a small tmpfs needs root"
	exit 77
fi
mkdir "$TMP/a" "$TMP/b"
mount -t tmpfs -o size=400k tmpfs "$TMP/a" || { echo "skipped: cannot mount a tmpfs"; exit 77; }
trap 'umount "$TMP/a" 2>/dev/null; umount "$TMP/b" 2>/dev/null; rm -rf "$TMP"' EXIT

"$CCMIG" gen "$TMP/po" --seed 4 --users 6 --messages 8 >/dev/null

sound() {
	python3 - "$1" >"$TMP/py" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
assert not db.execute("PRAGMA foreign_key_check").fetchall()
print("sound")
PY
	if grep -qx sound "$TMP/py"; then pass; else fail "store not sound: $1"; cat "$TMP/py" >&2; fi
}

# The disk fills up half way through a migration (its migration files go
# beside the store).
expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/a/s.db" --keep-r8-folders
expect_grep "No space left on device; free space and run the same command again" "$TMP/err"
if [ -e "$TMP/a/s.db.migrating" ]; then fail "the migration files were left"; else pass; fi

# The store's own disk fills up half way through an import.
"$CCMIG" extract "$TMP/po" -o "$TMP/set" --keep-r8-folders >/dev/null
pkl=$(ls "$TMP/set"/*.pkl)
rm -f "$TMP/a/"*
expect_status 2 "$CCMIG" import "$pkl" --store "$TMP/a/s.db" --time-zone America/New_York
expect_grep "the disk is full; free space and run again" "$TMP/err"
sound "$TMP/a/s.db"
mount -o remount,size=16m "$TMP/a"
expect_status 0 "$CCMIG" import "$pkl" --store "$TMP/a/s.db" --time-zone America/New_York
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/a/s.db"
expect_grep "The store accounts for every message of the post office." "$TMP/out"
sound "$TMP/a/s.db"

# The Maildir's disk fills up half way through the export.
mount -t tmpfs -o size=100k tmpfs "$TMP/b"
expect_status 2 "$CCMIG" export --store "$TMP/a/s.db" --maildir "$TMP/b/md"
expect_grep "No space left on device; free space and run the same command again" "$TMP/err"
mount -o remount,size=16m "$TMP/b"
expect_status 0 "$CCMIG" export --store "$TMP/a/s.db" --maildir "$TMP/b/md"
# What one export of the same store with room from the start gives (the
# store's own: a message ccmig made, such as the one holding a personal
# address book, is named by the store it is in).
"$CCMIG" export --store "$TMP/a/s.db" --maildir "$TMP/ref" >/dev/null
if diff -r "$TMP/ref" "$TMP/b/md" >"$TMP/diff"; then pass; else
	fail "the export finished after a full disk differs"; head "$TMP/diff" >&2; fi
finish
