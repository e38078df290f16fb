# export_imap_faults.sh: ccmig export --imap against a server that
# misbehaves on purpose (tests/imapd/fake_imapd.py): synchronizing literals,
# refused messages, dropped connections, a greeting that is not IMAP, a
# server that never answers, answers that trickle or never end, a full
# mailbox, messages too big, throttling that never ends. What is refused
# is reported and sent by the next run, unless the server says it never
# will take it; nothing arrives twice; a server that hangs costs one
# mailbox, never the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../imapd/servers.sh"

"$CCMIG" gen "$TMP/po" --seed 5 --users 4 --messages 5 >/dev/null
"$CCMIG" migrate "$TMP/po" --store "$TMP/s.db" >/dev/null 2>&1
total=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages WHERE parent_id IS NULL').fetchone()[0])" "$TMP/s.db")
printf '*\t%%a\tpw\n' >"$TMP/creds"
chmod 600 "$TMP/creds"
# A run that hangs ends as a failure (status 124), not as a stuck test.
# The fake server has no TLS: the export logs in in clear (--imap-insecure).
export_to() {
	timeout 60 "$CCMIG" export --store "$DB" --imap "imap://127.0.0.1:$PORT" \
		--imap-credentials "$TMP/creds" --imap-insecure "$@"
}
# check_log WHAT [ALIAS]: every stored message arrived exactly once, in a
# folder of its mailbox's name scheme with "." between levels, with its
# flags; but not all of mailbox ALIAS's, when given (those that did arrive
# once each), and none the server never takes (LOG.never).
check_log() {
	CLI_DIR="$(dirname "$0")" python3 - "$DB" "$LOG" "${2-}" >"$TMP/py" 2>&1 <<'PY'
import base64, datetime, json, os, re, sqlite3, sys
sys.path.insert(0, os.environ["CLI_DIR"])
from store_uid import uid_map
db = sqlite3.connect(sys.argv[1])
uids = uid_map(db)
never = set()
if os.path.exists(sys.argv[2] + ".never"):
    never = {uids[re.match(r"ccmig\.([0-9a-f]{32})@", k).group(1)]
             for k in open(sys.argv[2] + ".never").read().split()}
left_out = {r[0] for r in db.execute(
    "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id "
    "JOIN recipients r ON r.id = f.mailbox_id WHERE r.alias = ?1 "
    "AND m.parent_id IS NULL", (sys.argv[3],))}
def from_mutf7(s):
    def run(m):
        b = m.group(1).replace(",", "/")
        return base64.b64decode(b + "=" * (-len(b) % 4)).decode("utf-16-be") if b else "&"
    return re.sub(r"&([A-Za-z0-9+,]*)-", run, s)
got = {}
for line in open(sys.argv[2]):
    e = json.loads(line)
    i = uids[re.match(r"ccmig\.([0-9a-f]{32})@", e["message_id"]).group(1)]
    assert i not in got, "message %d arrived twice" % i
    got[i] = e
rows = [r for r in db.execute("SELECT m.id, m.is_read, m.is_unsent, f.path, f.special, "
                              "f.mailbox_id, coalesce(m.sent_utc, m.received_utc, "
                              "m.stored_utc) FROM messages m JOIN folders f "
                              "ON f.id = m.folder_id WHERE m.parent_id IS NULL")
        if r[0] not in left_out | never]
want = {r[0] for r in rows}
assert want <= set(got), sorted(want - set(got))
assert set(got) - want <= left_out, sorted(set(got) - want)
special = {"inbox": "INBOX", "sent": "Sent", "deleted": "Trash", "drafts": "Drafts"}
for i, read, unsent, path, sp, owner, when in rows:
    e = got[i]
    want = special.get(sp) or ".".join(p.replace(".", "_") for p in path.split("\\"))
    if owner is None:
        want = "Public." + want
    assert from_mutf7(e["folder"]) == want, (i, e["folder"], want)
    assert ("\\Seen" in e["flags"]) == bool(read), (i, e["flags"])
    assert ("\\Draft" in e["flags"]) == bool(unsent), (i, e["flags"])
    # The date of its Date field: sent, received, or (undated in cc:Mail)
    # when it was stored; never the server's clock.
    got_when = datetime.datetime.strptime(e["date"], "%d-%b-%Y %H:%M:%S %z")
    assert int(got_when.timestamp()) == when, (i, e["date"], when)
print("log ok", len(set(got) | left_out | never))
PY
	if grep -qx "log ok $total" "$TMP/py"; then pass; else
		fail "$1"; sed 's/^/  | /' "$TMP/py" >&2; fi
}

# Refused messages: reported with the server's words, exit 1; the next run
# sends just those.
start_fake refuse
expect_status 1 export_to --imap-connections 2
expect_grep "[imap-refused]" "$TMP/out"
expect_grep "not stored by a filter" "$TMP/out"
expect_grep "the next run tries it again" "$TMP/out"
expect_grep "Left out:" "$TMP/out"
expect_status 0 export_to
check_log "refused messages, then a second run"

# Messages the server says are too big ([TOOBIG], [LIMIT]): each reported
# as one the next run will not get through either, with the options that
# make messages smaller; the rest is exported.
start_fake too-big
expect_status 1 export_to --imap-connections 2 --verbose
never=$(wc -l <"$LOG.never")
n=$(grep -c "\[imap-too-big\]" "$TMP/out")
[ "$never" -ge 2 ] && [ "$n" -eq "$never" ] && pass || fail "too-big: $n entries, $never refusals"
expect_grep "NO [LIMIT] Message size exceeds" "$TMP/out"
expect_grep "NO [TOOBIG] Message too large" "$TMP/out"
expect_grep "the next run will not either; see --max-message-size and --split-attachments" "$TMP/out"
if grep -q "tries it again" "$TMP/out"; then fail "too-big: said to retry"; else pass; fi
check_log "messages too big"

# A mailbox over its quota (from its second message on; the mailbox with
# the most messages): one entry for the mailbox with how many messages
# were not sent, no APPEND after the first refusal; the other mailboxes
# are exported.
VICTIM=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT r.alias FROM messages m JOIN folders f ON f.id = m.folder_id JOIN recipients r ON r.id = f.mailbox_id WHERE m.parent_id IS NULL GROUP BY r.id ORDER BY count(*) DESC, r.id').fetchone()[0])" "$TMP/s.db")
start_fake overquota "$VICTIM"
expect_status 1 export_to --imap-connections 2 --verbose
vtotal=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id JOIN recipients r ON r.id = f.mailbox_id WHERE r.alias = ?1 AND m.parent_id IS NULL', (sys.argv[2],)).fetchone()[0])" "$DB" "$VICTIM")
[ "$vtotal" -ge 3 ] && pass || fail "over quota: '$VICTIM' has $vtotal messages, too few to tell"
[ "$(grep -c "\[imap-over-quota\]" "$TMP/out")" -eq 1 ] && pass || fail "over quota: not one entry"
expect_grep "mailbox '$VICTIM' is over its quota on the server: $((vtotal - 1)) messages were not sent" "$TMP/out"
[ "$(wc -l <"$LOG.refused")" -eq 1 ] && pass || fail "over quota: $(wc -l <"$LOG.refused") APPENDs refused"
if grep -q "\[imap-refused\]" "$TMP/out"; then fail "over quota: refusals per message"; else pass; fi
expect_grep "Left out: 0 messages, 1 mailboxes" "$TMP/out"
check_log "a mailbox over quota" "$VICTIM"

# A server that throttles one mailbox for ever: the same message is tried
# again after waits that double (50, 100, 200 ms ... as the test makes
# them), never shorter than the 200 ms the server suggests, until the
# budget of 1 s is spent: 200 + 200 + 200 + 400 ms, five APPENDs. Then
# the mailbox is reported and the others are exported.
start_fake throttle
t0=$(date +%s)
CCMIG_TEST_BACKOFF_MS=50 expect_status 1 export_to --imap-connections 2 --imap-retry-budget 1
[ $(($(date +%s) - t0)) -lt 20 ] && pass || fail "throttle took too long"
VICTIM=$(cat "$LOG.victim")
[ "$(wc -l <"$LOG.refused")" -eq 5 ] && pass || fail "throttle: $(wc -l <"$LOG.refused") APPENDs, wanted 5"
expect_grep "[imap-throttled]" "$TMP/out"
expect_grep "mailbox '$VICTIM' is not complete: the server kept saying THROTTLED for 1 s" "$TMP/out"
expect_grep "The server made ccmig wait 4 times" "$TMP/out"
expect_grep "Left out: 0 messages, 1 mailboxes" "$TMP/out"
check_log "a mailbox throttled for ever" "$VICTIM"
# No budget: the first THROTTLED gives the mailbox up.
start_fake throttle
expect_status 1 export_to --imap-connections 2 --imap-retry-budget 0
[ "$(wc -l <"$LOG.refused")" -eq 1 ] && pass || fail "no budget: $(wc -l <"$LOG.refused") APPENDs"
expect_grep "kept saying THROTTLED for 0 s" "$TMP/out"

# Dropped connections: reconnected, and the mailbox finished in the run.
start_fake drop
expect_status 0 export_to --imap-connections 1
expect_grep "[imap-connection]" "$TMP/out"
check_log "dropped connections"

# Folders of 2,500 messages on the server: their Message-IDs are read
# 1,000 at a time, each piece an answer within the time limit.
start_fake big-folders
expect_status 0 export_to --imap-timeout 2
check_log "big folders"
python3 - "$LOG.fetch" >"$TMP/py" 2>&1 <<'PY'
import collections, sys
n = collections.Counter(open(sys.argv[1]).read().split())
assert set(n) == {"1:1000", "1001:2000", "2001:*"} and len(set(n.values())) == 1, n
print("fetch ok")
PY
if grep -qx "fetch ok" "$TMP/py"; then pass; else
	fail "FETCH in pieces"; sed 's/^/  | /' "$TMP/py" >&2; fi

# Not IMAP, and silence: one clear error each, exit 2.
start_fake garbage
expect_status 2 export_to
expect_grep "not an IMAP server's greeting" "$TMP/err"
start_fake silent
expect_status 2 export_to --imap-timeout 1
expect_grep "did not answer in time" "$TMP/err"

# Answers that trickle or never end: the time limit bounds each answer
# as a whole, not each read, and a command takes at most 10,000 untagged
# lines. The server costs one mailbox, reported with the server, the
# command, what happened and what to do, exit 1; every other mailbox is
# exported, and the run ends in a few times the time limit.
# slow_case MODE [OPTION...]: runs it; sets VICTIM, the mailbox left out.
slow_case() {
	start_fake "$1"
	shift
	t0=$(date +%s)
	expect_status 1 export_to --imap-timeout 2 --verbose "$@"
	t=$(($(date +%s) - t0))
	if [ "$t" -le 30 ]; then pass; else fail "$(basename "$LOG" .log) took $t s"; fi
	VICTIM=$(sed -n "s/.*mailbox '\([^']*\)' is not complete.*/\1/p" "$TMP/out")
	expect_grep "Left out: 0 messages, 1 mailboxes" "$TMP/out"
	expect_grep "IMAP server 127.0.0.1:$PORT " "$TMP/out"
}
# A greeting a byte at a time: three connections for the first mailbox.
slow_case trickle-greeting --imap-connections 1
expect_grep "[imap-connection]" "$TMP/out"
expect_grep "its greeting was not complete after 2 s" "$TMP/out"
expect_grep "failed 3 times in a row with no message through" "$TMP/out"
check_log "a greeting that trickles" "$VICTIM"
# Untagged lines every half second after LOGIN, and no answer.
slow_case slow-untagged
expect_grep "its answer to LOGIN was not complete after 2 s" "$TMP/out"
expect_grep "A longer --imap-timeout gives it more time" "$TMP/out"
[ "$VICTIM" = "$(cat "$LOG.victim")" ] && pass || fail "left out '$VICTIM'"
check_log "untagged lines that never end" "$VICTIM"
# A flood of untagged lines to EXAMINE: given up at once, not retried.
slow_case flood-untagged
expect_grep "[imap-server]" "$TMP/out"
expect_grep "more than 10000 untagged responses to EXAMINE" "$TMP/out"
[ "$VICTIM" = "$(cat "$LOG.victim")" ] && pass || fail "left out '$VICTIM'"
check_log "a flood of untagged lines" "$VICTIM"
finish
