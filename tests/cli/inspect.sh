# inspect.sh: ccmig inspect on the shipped fixture and on broken bundles.
. "$(dirname "$0")/lib.sh"

# The fixture has one mailbox line for a stranger: exit 1, all listed.
expect_status 1 "$CCMIG" inspect "$DATA/salespo"
expect_grep "Mailboxes: 4 local and mobile users; 2 with mail, 2 without" "$TMP/out"
expect_grep "Doe, Jane" "$TMP/out"
expect_grep "po.txt:13: error: mailbox 'Ghost, Gary' is not in the directory" "$TMP/out"
expect_grep "mail/smith.exp:36 (byte 697): warning: message 3: date '2/31/99 10:00'" "$TMP/out"

# --json is one valid JSON object with the same numbers.
expect_status 1 "$CCMIG" inspect --json "$DATA/salespo"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["post_office"] == "SALESPO", d["post_office"]
assert d["messages"] == 5 and d["users"] == 4 and d["users_with_mail"] == 2
assert d["report"]["errors"] == 1
kinds = [e["kind"] for e in d["report"]["entries"]]
assert "impossible-date" in kinds and "unknown-header" in kinds
' "$TMP/out"; then pass; else fail "inspect --json output"; fi

# A folder that is no bundle, DB7, bad usage: exit 2 with what to do.
mkdir -p "$TMP/empty"
expect_status 2 "$CCMIG" inspect "$TMP/empty"
expect_grep "po.txt" "$TMP/err"
mkdir -p "$TMP/db7"
printf 'Post office: MOBILE\r\nDatabase: DB7\r\nDirectory: d.exp\r\n' >"$TMP/db7/po.txt"
expect_status 2 "$CCMIG" inspect "$TMP/db7"
expect_grep "DB8" "$TMP/err"
expect_status 2 "$CCMIG" inspect
expect_status 2 "$CCMIG" inspect --bogus "$DATA/salespo"
expect_status 2 "$CCMIG" frobnicate

# A clean bundle exits 0.
cp -r "$DATA/salespo" "$TMP/clean"
grep -v Ghost "$DATA/salespo/po.txt" >"$TMP/clean/po.txt"
python3 - "$TMP/clean/mail/smith.exp" <<'PY'
import sys
p = sys.argv[1]
b = open(p, 'rb').read().replace(b'RRT:', b'Rrt:').replace(b'2/31/99', b'2/28/99')
# Keep the counts true: the replacements have the same length.
open(p, 'wb').write(b.replace(b'Rrt: Smith, John at SALESPO\r\n', b'To: Smith, John at SALESPO\r\n '))
PY
expect_status 0 "$CCMIG" inspect "$TMP/clean"
expect_grep "Report: 0 errors, 0 warnings" "$TMP/out"

# Names with terminal escapes (a title, ESC [2J) are shown, never sent:
# in the listing of users, and in the store's as stat prints it.
cp -r "$DATA/salespo" "$TMP/esc"
python3 - "$TMP/esc/directory.exp" <<'PY'
import sys
p = sys.argv[1]
t = open(p, "rb").read().replace(b"Name: Doe, Jane", b"Name: Doe, Jane\x1b]0;pwned\x07\x1b[2J", 1)
open(p, "wb").write(t)
PY
expect_status 1 "$CCMIG" inspect "$TMP/esc"
expect_grep 'Doe, Jane\x1b]0;pwned\x07\x1b[2J' "$TMP/out"
if grep -q "$(printf '\033')" "$TMP/out" "$TMP/err"; then
	fail "an escape reached the terminal from inspect"; else pass; fi
"$CCMIG" migrate "$TMP/esc" --store "$TMP/esc.db" --create-mailboxes >/dev/null 2>&1
expect_status 0 "$CCMIG" stat --store "$TMP/esc.db"
if grep -q "$(printf '\033')" "$TMP/out" "$TMP/err"; then
	fail "an escape reached the terminal from stat"; else pass; fi
finish
