# progress.sh: long runs show their progress on a terminal, and only there
# (unless --progress or --no-progress says otherwise).
. "$(dirname "$0")/lib.sh"

# Every long command, on a pseudo-terminal and through a pipe.
if python3 "$(dirname "$0")/progress_pty.py" "$CCMIG" "$TMP" >"$TMP/pty.log" 2>&1; then
	pass
else
	fail "progress on the command line:"; grep -v '^ok ' "$TMP/pty.log" | sed 's/^/  | /' >&2
fi

"$CCMIG" gen "$TMP/po" --users 400 --messages 12 --seed 5 >/dev/null
printf 'local po = assert(ccmig.open(arg[1]))\nlocal st = assert(ccmig.store(arg[2]))\nassert(ccmig.migrate(po, st, {}))\n' \
	>"$TMP/mig.lua"

# A run of `ccmig run` through a pseudo-terminal: users, bytes, rate and
# time left are shown.
python3 - "$CCMIG" "$TMP/mig.lua" "$TMP/po" "$TMP/a.db" >"$TMP/tty" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "run"] + sys.argv[2:])
out, deadline = b"", time.time() + 120
while time.time() < deadline:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
PY
expect_grep "users" "$TMP/tty"
expect_grep "/s, ETA" "$TMP/tty"

# Not a terminal: quiet.
expect_status 0 "$CCMIG" run "$TMP/mig.lua" "$TMP/po" "$TMP/b.db"
if grep -q "ETA" "$TMP/err" "$TMP/out"; then fail "progress shown in a pipe"; else pass; fi

finish
