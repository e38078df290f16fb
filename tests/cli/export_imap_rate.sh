# export_imap_rate.sh: --imap-max-rate R into a real Dovecot. N messages
# over one connection take at least (N-1)/R seconds, no two APPENDs of a
# connection closer than 1/R (the server's Maildir names say when each
# arrived), every message arrives once, and the time waited is said and
# counted (summary, progress line, the run's counts). Waiting for the
# cap is no refusal: a throttling server's back-off goes on beside it and
# the retry budget is not spent on it. A rate that is no positive number
# is bad usage.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"
need_dovecot

make_store 31 2 6
# Bad usage: no positive number, or past the maximum.
printf '*\t%%a\tsecret\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
for bad in 0 -1 -0.5 abc "" 2x nan inf 1e7 0x; do
	expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap imap://127.0.0.1:1 \
		--imap-credentials "$TMP/creds" --imap-max-rate "$bad"
	expect_grep "--imap-max-rate takes messages a second" "$TMP/err"
done
expect_status 2 "$CCMIG" export --store "$TMP/s.db" --imap imap://127.0.0.1:1 \
	--imap-credentials "$TMP/creds" --imap-max-rate
expect_grep "--imap-max-rate needs a value" "$TMP/err"

start_dovecot dovecot secret --no-ssl
MAIL="$TMP/dovecot-mail"
# arrivals DIR RATE: from the Maildir names Dovecot gave ("<s>.M<us>P..."),
# per account: how many, the span from first to last, the least gap.
arrivals() {
	python3 - "$1" "$2" <<'PY'
import os, re, sys
root, rate = sys.argv[1], float(sys.argv[2])
name = re.compile(r"^(\d+)\.M(\d+)P")
for user in sorted(os.listdir(root)):
    times = []
    for d, _, files in os.walk(os.path.join(root, user)):
        for f in files:
            m = name.match(f)
            if m and os.path.basename(d) in ("cur", "new"):
                times.append(int(m.group(1)) + int(m.group(2)) / 1e6)
    times.sort()
    if len(times) < 2:
        continue
    gaps = [b - a for a, b in zip(times, times[1:])]
    # What arrives over loopback is sent a few ms at most before.
    ok = min(gaps) >= 0.8 / rate and times[-1] - times[0] >= (len(times) - 1) / rate - 0.05
    print("%s %s %d %.3f %.3f" % ("ok" if ok else "FAST", user, len(times),
                                   times[-1] - times[0], min(gaps)))
PY
}

# One connection, 5 a second: N messages take (N-1)/5 s at least.
t0=$(date +%s.%N)
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-insecure --imap-connections 1 --imap-max-rate 5 \
	--progress
t1=$(date +%s.%N)
# The progress line says it as it goes.
expect_grep ", paced: " "$TMP/err"
expect_grep "$TOTAL messages sent" "$TMP/out"
expect_grep "Paced: " "$TMP/out"
expect_grep "waited for --imap-max-rate 5 (summed over the connections)" "$TMP/out"
if python3 -c "import sys; sys.exit(not float(sys.argv[2]) - float(sys.argv[1]) >= (int(sys.argv[3]) - 1) / 5)" \
	"$t0" "$t1" "$TOTAL"; then pass; else
	fail "$TOTAL messages at 5 a second took $(python3 -c "print($t1 - $t0)") s"; fi
# Every gap between two arrivals, over all accounts (one connection: one
# after the other), is a fifth of a second at least.
python3 - "$MAIL" <<'PY' >"$TMP/gaps"
import os, re, sys
name = re.compile(r"^(\d+)\.M(\d+)P")
t = sorted(int(m.group(1)) + int(m.group(2)) / 1e6
           for d, _, fs in os.walk(sys.argv[1]) for f in fs
           for m in [name.match(f)] if m and os.path.basename(d) in ("cur", "new"))
print(len(t), "%.3f" % min(b - a for a, b in zip(t, t[1:])))
PY
read -r arrived least <"$TMP/gaps"
[ "$arrived" -eq "$TOTAL" ] && pass || fail "$arrived messages arrived of $TOTAL"
if python3 -c "import sys; sys.exit(not float(sys.argv[1]) >= 0.16)" "$least"; then pass; else
	fail "two messages arrived $least s apart at 5 a second"; fi
python3 "$IMAPD/imap_check.py" "$TMP/s.db" "$PORT" secret "$TMP/md" >"$TMP/check" 2>&1
if grep -qx "imap ok: $TOTAL messages" "$TMP/check"; then pass; else
	fail "server and store differ"; sed 's/^/  | /' "$TMP/check" >&2; fi
# The run's counts keep how long the cap held it back.
python3 - "$TMP/s.db" >"$TMP/counts" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rid = db.execute("SELECT max(id) FROM runs WHERE command = 'export'").fetchone()[0]
c = dict(db.execute("SELECT name, value FROM run_counts WHERE run_id = ?", (rid,)))
print(c.get("paced_s", "none"))
PY
if [ "$(cat "$TMP/counts")" != none ] && [ "$(cat "$TMP/counts")" -ge 2 ]; then pass; else
	fail "paced_s of the run: $(cat "$TMP/counts")"; fi
# Again: nothing to send, nothing to wait for.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-insecure --imap-max-rate 5
expect_grep " 0 messages sent" "$TMP/out"
expect_grep "$TOTAL already there" "$TMP/out"
expect_grep "Paced: 0 s" "$TMP/out"
# Without the cap, no word of it.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-insecure
if grep -q "Paced" "$TMP/out"; then fail "a run without a cap speaks of pacing"; else pass; fi

# Two connections, 8 a second each: each account (one connection at a
# time) is spaced by the cap.
rm -rf "$TMP/po" "$TMP/md"
"$CCMIG" gen "$TMP/po" --seed 33 --users 2 --messages 6 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s2.db" >/dev/null 2>&1
start_dovecot dovecot2 secret --no-ssl
expect_status 0 "$CCMIG" export --store "$TMP/s2.db" --imap "imap://127.0.0.1:$PORT" \
	--imap-credentials "$TMP/creds" --imap-insecure --imap-connections 2 --imap-max-rate 8
arrivals "$TMP/dovecot2-mail" 8 >"$TMP/arrivals"
if grep -q "^ok " "$TMP/arrivals" && ! grep -q "^FAST" "$TMP/arrivals"; then pass; else
	fail "arrivals at 8 a second per connection:"; sed 's/^/  | /' "$TMP/arrivals" >&2; fi

# A server that throttles every 2nd APPEND, a budget of 1 s, and a cap
# of one message every 1.05 s: the waits for the cap are longer than the
# whole budget, and still nothing is given up (they are not refusals).
rm -rf "$TMP/po"
"$CCMIG" gen "$TMP/po" --seed 46 --users 1 --messages 2 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s3.db" >/dev/null 2>&1
n3=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s3.db")
python3 "$IMAPD/throttle_proxy.py" "$PORT" "$TMP/proxy.log" "$TMP/proxy.port" 2 1000 &
PIDS="$PIDS $!"
proxy=$(wait_port "$TMP/proxy.port")
CCMIG_TEST_BACKOFF_MS=10 expect_status 0 "$CCMIG" export --store "$TMP/s3.db" \
	--imap "imap://127.0.0.1:$proxy" --imap-credentials "$TMP/creds" --imap-insecure \
	--imap-connections 2 --imap-retry-budget 1 --imap-max-rate 0.95
expect_grep "$n3 messages sent" "$TMP/out"
expect_grep "The server made ccmig wait" "$TMP/out"
expect_grep "Paced: " "$TMP/out"
n=$(grep -cx throttled "$TMP/proxy.log")
[ "$n" -ge 2 ] && pass || fail "the proxy throttled $n times"
finish
