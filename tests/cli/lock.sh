# lock.sh: one writer per store. A second run that would write a store
# another process writes stops at once and names it, also when the store
# is named through a symbolic link; readers go on; a
# writer killed leaves the store free.
. "$(dirname "$0")/lib.sh"

"$CCMIG" gen "$TMP/po" --seed 3 --users 3 --messages 2 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" --keep-files "$TMP/set" >/dev/null 2>&1
cat >"$TMP/hold.lua" <<'LUA'
local st = assert(ccmig.store(arg[1]))
local f = assert(io.open(arg[2], "w")) f:write("held\n") f:close()
while not io.open(arg[3]) do os.execute("sleep 0.05") end
st:close()
LUA
hold() {  # hold STORE: a writer that keeps it until $TMP/release exists
	rm -f "$TMP/held" "$TMP/release"
	"$CCMIG" run "$TMP/hold.lua" "$1" "$TMP/held" "$TMP/release" &
	holder=$!
	for _ in $(seq 200); do [ -s "$TMP/held" ] && break; sleep 0.05; done
}

hold "$TMP/s.db"
expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
expect_grep "another ccmig is using store '$TMP/s.db' (pid $holder)" "$TMP/err"
expect_status 2 "$CCMIG" import "$TMP/set/SALESPO.pkl" --store "$TMP/s.db"
expect_grep "(pid $holder)" "$TMP/err"
expect_status 2 "$CCMIG" dirsync "$TMP/po" --store "$TMP/s.db"
expect_grep "(pid $holder)" "$TMP/err"
# The store reached through a symbolic link is the same store.
mkdir "$TMP/elsewhere"
ln -s ../s.db "$TMP/elsewhere/s.db"
expect_status 2 "$CCMIG" migrate "$TMP/po" --store "$TMP/elsewhere/s.db"
expect_grep "another ccmig is using store '$TMP/elsewhere/s.db' (pid $holder)" "$TMP/err"
# Readers are not writers: they go on while it writes.
expect_status 0 "$CCMIG" stat --store "$TMP/s.db"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/s.db"
# Nothing of the refused runs reached the store.
expect_status 0 "$CCMIG" stat --store "$TMP/s.db"
expect_grep "Runs: 1" "$TMP/out"
touch "$TMP/release"
wait "$holder"

# Once it is done, the next writer goes on.
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"

# A writer killed while it holds the store leaves it free.
hold "$TMP/s.db"
kill -9 "$holder"
wait "$holder" 2>/dev/null
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"

# One export at a time into one folder: a second stops and names the
# first (its lock file, held here as an export holds it).
mkdir -p "$TMP/md"
python3 - "$TMP/md/.ccmig-lock" "$TMP/xheld" "$TMP/xrelease" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "w")
fcntl.flock(f, fcntl.LOCK_EX)
f.write("%d\n" % os.getpid())
f.flush()
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
PY
exporter=$!
for _ in $(seq 200); do [ -e "$TMP/xheld" ] && break; sleep 0.05; done
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"
expect_grep "another ccmig is using the export folder '$TMP/md' (pid $exporter)" "$TMP/err"
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/md"
expect_grep "(pid $exporter)" "$TMP/err"
touch "$TMP/xrelease"
wait "$exporter"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"
# Let go, the lock file is empty: two exports of one store write the same bytes.
if [ -s "$TMP/md/.ccmig-lock" ]; then fail "the lock file keeps a pid"; else pass; fi
finish
