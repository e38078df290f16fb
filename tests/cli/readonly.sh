# readonly.sh: the commands that only read a store (stat, verify, report)
# leave no -wal or -shm file beside it and change nothing in it, alone or
# while a writer has it open (core/store/store.c says how).
. "$(dirname "$0")/lib.sh"

# no_journal WHEN: no S.db-wal or S.db-shm in $TMP.
no_journal() {
	if ls "$TMP" | grep -q -e '-wal$' -e '-shm$'; then
		fail "$1 left $(ls "$TMP" | grep -e '-wal$' -e '-shm$' | tr '\n' ' ')"
	else pass; fi
}

expect_status 0 "$CCMIG" gen "$TMP/po" --users 3 --messages 6 --seed 2
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
no_journal "migrate"
before=$(sha256sum <"$TMP/s.db")
expect_status 0 "$CCMIG" stat --store "$TMP/s.db"
no_journal "stat"
expect_status 0 "$CCMIG" stat --store "$TMP/s.db" --json
no_journal "stat --json"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/s.db"
no_journal "verify"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/s.db" --json
no_journal "verify --json"
expect_status 0 "$CCMIG" report --store "$TMP/s.db"
no_journal "report"
if [ "$(sha256sum <"$TMP/s.db")" = "$before" ]; then pass; else
	fail "a read-only command changed the store"; fi

# With a writer at work: the readers read, the writer's WAL stays while
# it is open, and its close removes both files.
python3 - "$CCMIG" "$TMP/s.db" "$TMP/po" >"$TMP/py" 2>&1 <<'PY'
import os, sqlite3, subprocess, sys
ccmig, db, po = sys.argv[1:4]
w = sqlite3.connect(db, isolation_level=None)
w.execute("INSERT INTO meta (key, value) VALUES ('probe-1', 'x')")
assert os.path.exists(db + "-wal"), "the writer has no WAL"
for args in (["stat", "--store", db], ["verify", po, "--store", db]):
    r = subprocess.run([ccmig] + args, capture_output=True, text=True)
    assert r.returncode == 0, (args, r.returncode, r.stderr)
    assert os.path.exists(db + "-wal"), "%s took the writer's WAL away" % args[0]
w.execute("INSERT INTO meta (key, value) VALUES ('probe-2', 'x')")
w.close()
assert not os.path.exists(db + "-wal"), "the writer's close left its WAL"
# A writer killed with commits in its WAL: the next reader folds them in
# and removes the files, as the next writer would.
pid = os.fork()
if pid == 0:
    w = sqlite3.connect(db, isolation_level=None)
    w.execute("INSERT INTO meta (key, value) VALUES ('probe-3', 'x')")
    os._exit(0)
os.waitpid(pid, 0)
assert os.path.exists(db + "-wal"), "the killed writer left no WAL"
r = subprocess.run([ccmig, "stat", "--store", db], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
assert not os.path.exists(db + "-wal"), "stat left the killed writer's WAL"
keys = [k for (k,) in sqlite3.connect(db).execute(
    "SELECT key FROM meta WHERE key LIKE 'probe-%' ORDER BY key")]
assert keys == ["probe-1", "probe-2", "probe-3"], keys
print("ok")
PY
expect_grep "ok" "$TMP/py"
[ -s "$TMP/py" ] && grep -v '^ok$' "$TMP/py" | sed 's/^/  | /' >&2
no_journal "the writer's close"

finish
