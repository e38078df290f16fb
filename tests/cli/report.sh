# report.sh: ccmig report of a pilot-then-everyone migration with a policy and a damaged mailbox: the
# summary, the CSV and JSON adding up, the HTML passing tidy and shown by headless Chromium; stat --csv.
. "$(dirname "$0")/lib.sh"

# Chromium and tidy are part of the test, not options: CI installs them
# (scripts/install-deps), and a missing one fails here rather than pass
# untried.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] || ! command -v tidy >/dev/null; then
	fail "chromium and tidy are needed (scripts/install-deps installs them)"
	finish
	exit 1
fi

PO="$TMP/po"
"$CCMIG" gen "$PO" --seed 16 --users 12 --messages 8 >/dev/null 2>&1 || fail "gen"
# Damage: the first mail file cut to two thirds.
f=$(ls "$PO"/mail/*.exp | head -1)
truncate -s $(($(stat -c %s "$f") * 2 / 3)) "$f"

# The pilot: users whose name starts with A to M; then everyone, with a
# policy that leaves out Deleted Items.
cat >"$TMP/pilot.lua" <<'LUA'
return { user = function(u) if u.name:upper():match("^[A-M]") then return nil end return false end }
LUA
cat >"$TMP/nodeleted.lua" <<'LUA'
return { folder = function(name) if name == "Deleted Items" then return false end return name end }
LUA
"$CCMIG" migrate "$PO" --store "$TMP/s.db" --policy "$TMP/pilot.lua" >/dev/null 2>&1
"$CCMIG" migrate "$PO" --store "$TMP/s.db" --policy "$TMP/nodeleted.lua" >/dev/null 2>&1

expect_status 0 "$CCMIG" report --store "$TMP/s.db"
expect_grep "Source messages:" "$TMP/out"
expect_grep "Decisions (on purpose, not problems)" "$TMP/out"
expect_grep "policy:nodeleted.lua:folder" "$TMP/out"
expect_grep "incomplete:" "$TMP/out"
expect_grep "Every source message is accounted for" "$TMP/out"

expect_status 0 "$CCMIG" report --store "$TMP/s.db" --html "$TMP/r.html" --csv "$TMP/r.csv"
expect_status 0 "$CCMIG" report --store "$TMP/s.db" --json
cp "$TMP/out" "$TMP/r.json"
expect_status 0 "$CCMIG" stat --store "$TMP/s.db" --csv
cmp -s "$TMP/out" "$TMP/r.csv" && pass || fail "stat --csv differs from report --csv"
# Read-only: no store files appear, the store is unchanged.
# (S.db.report/ holds the migrate runs' own reports, nothing of report's.)
ls "$TMP" | grep -q "^r.html-" && fail "stray files" || pass
ls "$TMP/s.db.report" 2>/dev/null | grep -qv "^migrate-" && fail "report wrote into s.db.report" || pass

# The CSV: a row per mailbox and board, numbers that add up to the
# summary of the JSON and to the store's own records.
python3 - "$TMP/r.csv" "$TMP/r.json" "$TMP/s.db" <<'PY' >"$TMP/py.out" 2>&1 && pass || { fail "csv/json"; sed 's/^/  | /' "$TMP/py.out" >&2; }
import csv, json, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
j = json.load(open(sys.argv[2], encoding="utf-8"))
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[3], uri=True)
s = j["summary"]
owners = db.execute("SELECT count(*) FROM (SELECT po, owner FROM source_messages "
                    "UNION SELECT po, owner FROM source_mailboxes)").fetchone()[0]
assert len(rows) == len(j["mailboxes"]) == owners, (len(rows), owners)
for k in ("source", "migrated", "kept", "left_out", "unaccounted", "damaged",
          "messages", "bytes", "attachments"):
    total = sum(int(r[k]) for r in rows)
    assert total == s[k] == sum(m[k] for m in j["mailboxes"]), (k, total, s[k])
assert s["source"] == s["migrated"] + s["left_out"] + s["unaccounted"]
assert s["source"] == db.execute("SELECT count(*) FROM source_messages").fetchone()[0]
assert s["left_out"] == db.execute("SELECT count(*) FROM source_messages "
                                   "WHERE decision = 'left-out'").fetchone()[0]
reasons = [c for c in rows[0] if c.startswith("left_out:")]
assert sum(int(r[c]) for r in rows for c in reasons) == s["left_out"]
assert any(c.endswith("policy:nodeleted.lua:folder") for c in reasons), reasons
assert s["users_left_out"] == 0 and s["warnings"] > 0 and s["accounted"]
assert sum(1 for r in rows if r["status"] == "incomplete") >= 1
assert sum(1 for r in rows if r["status"] == "complete with decisions") >= 1
assert len(j["runs"]) == 2
assert "pilot.lua" in j["runs"][0]["policies"], j["runs"][0]
assert any(e["severity"] == "warning" for e in j["events"])
assert sum(y["count"] for y in j["years"]) == s["messages"]
PY

# The HTML passes tidy (errors fail; warnings are printed).
tidy -q -e "$TMP/r.html" >"$TMP/tidy" 2>&1
[ $? -lt 2 ] && pass || { fail "tidy found errors"; sed 's/^/  | /' "$TMP/tidy" >&2; }

# Chromium shows it: a screenshot that is not blank, and a page whose
# text holds every mailbox and every reason.
shot() {
	HOME="$TMP" timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--screenshot="$2" --window-size=1280,2000 "file://$1" >/dev/null 2>&1
	HOME="$TMP" timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--dump-dom "file://$1" >"$3" 2>/dev/null
}
shot "$TMP/r.html" "$TMP/r.png" "$TMP/r.dom"
python3 - "$TMP/r.png" "$TMP/r.dom" "$TMP/s.db" <<'PY' >"$TMP/py.out" 2>&1 && pass || { fail "chromium"; sed 's/^/  | /' "$TMP/py.out" >&2; }
import html.parser, sqlite3, struct, sys, zlib
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "no PNG"
pos, idat, w = 8, b"", 0
while pos < len(png):
    n, kind = struct.unpack(">I4s", png[pos:pos + 8])
    if kind == b"IHDR":
        w, hgt, depth, ctype = struct.unpack(">IIBB", png[pos + 8:pos + 18])
    if kind == b"IDAT":
        idat += png[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = 4 if ctype == 6 else 3
stride = w * bpp + 1
# Filtered bytes, not colours; enough to tell a blank page (one value a
# row) from a drawn one.
distinct = len(set(raw[i:i + stride][1:] for i in range(0, min(len(raw), stride * 400), stride)))
assert distinct > 20, "screenshot looks blank (%d distinct rows)" % distinct
class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.parts = []
    def handle_data(self, d):
        self.parts.append(d)
t = Text(); t.feed(open(sys.argv[2], encoding="utf-8").read())
text = " ".join(t.parts)
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[3], uri=True)
names = [r[0] for r in db.execute("SELECT owner_name FROM source_mailboxes UNION "
                                  "SELECT owner_name FROM source_messages")]
reasons = [r[0] for r in db.execute("SELECT reason FROM source_messages WHERE reason "
                                    "IS NOT NULL UNION SELECT reason FROM source_mailboxes "
                                    "WHERE reason IS NOT NULL")]
assert names and reasons
for x in names + reasons:
    assert x in text, "%r not in the page" % x
assert "Migration report" in text and "Runs" in text
PY

# Hostile names: markup, quotes, control characters and bytes that are
# not UTF-8 are shown as text; the page stays valid and scriptless.
cp "$TMP/s.db" "$TMP/h.db"
python3 - "$TMP/h.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
evil = '<script>alert(1)</script>"\'&\x1b]0;x\x07\u009b'
db.execute("UPDATE recipients SET alias = 'x' || id || ?, display_name = ?", (evil, evil))
db.execute("UPDATE source_messages SET owner_name = ? || owner_name, reason = "
           "CASE WHEN reason IS NULL THEN NULL ELSE ? || reason END", (evil, evil))
db.execute("UPDATE events SET text = ? || text, mailbox = ?, kind = ? || kind",
           (evil, evil, evil))
db.execute("UPDATE runs SET args = ?, policies = ?", (evil, evil + "\n" + evil))
db.execute("UPDATE source_mailboxes SET owner_name = CAST(X'ff3c62fe' AS TEXT)")
db.commit()
PY
expect_status 0 "$CCMIG" report --store "$TMP/h.db" --html "$TMP/h.html" --csv "$TMP/h.csv"
tidy -q -e "$TMP/h.html" >"$TMP/tidy" 2>&1
[ $? -lt 2 ] && pass || { fail "tidy: hostile names"; sed 's/^/  | /' "$TMP/tidy" >&2; }
[ "$(grep -c '<script' "$TMP/h.html")" -eq 1 ] && pass || fail "markup from names in the page"
grep -q "$(printf '\033')" "$TMP/h.html" && fail "control character in the page" || pass
expect_grep '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\x1b]0;x\x07' "$TMP/h.html"
expect_status 0 "$CCMIG" report --store "$TMP/h.db" --json
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="replace"))' \
	"$TMP/out" && pass || fail "json with hostile names"
shot "$TMP/h.html" "$TMP/h.png" "$TMP/h.dom"
grep -q "alert(1)" "$TMP/h.dom" && pass || fail "hostile name not shown"
python3 - "$TMP/h.csv" <<'PY' && pass || fail "csv with hostile names"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8", errors="replace")))
assert rows and all(r["alias"].startswith("x") or r["kind"] == "board" for r in rows)
PY

# Who ran each command: this login at this host, in the JSON and on the page.
python3 - "$TMP/r.json" "$TMP/r.html" <<'PY' >"$TMP/py.out" 2>&1 && pass || { fail "who ran"; sed 's/^/  | /' "$TMP/py.out" >&2; }
import json, os, pwd, socket, sys
who = "%s@%s" % (pwd.getpwuid(os.geteuid()).pw_name, socket.gethostname())
runs = json.load(open(sys.argv[1]))["runs"]
assert runs and all(r["who"] == who for r in runs), (who, [r["who"] for r in runs])
assert ("run by " + who) in open(sys.argv[2], encoding="utf-8").read()
PY

# Bad usage, and a store that is not there.
expect_status 2 "$CCMIG" report
expect_status 2 "$CCMIG" report --store "$TMP/none.db"
[ -e "$TMP/none.db" ] && fail "report made a store" || pass
expect_status 2 "$CCMIG" report --store "$TMP/s.db" --bogus
expect_status 2 "$CCMIG" report --store "$TMP/s.db" --html "$TMP/no/such/dir/r.html"
expect_status 2 "$CCMIG" stat --store "$TMP/s.db" --csv --json
expect_status 0 "$CCMIG" report --help

DAMAGED_STORES="$TMP/h.db"
finish
