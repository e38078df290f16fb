# columns.sh: the tables of stat and inspect stay lined up with accented,
# combining and East Asian wide names (two terminal columns a character).
. "$(dirname "$0")/lib.sh"

# aligned FILE START SUFFIX: the rows of the table from the line starting
# with START up to a blank line, less what matches SUFFIX at their end,
# all take as many terminal columns as the first (Python's own idea of
# East Asian width, not ccmig's).
aligned() {
	if python3 - "$@" >"$TMP/aligned" 2>&1 <<'PY'
import re, sys, unicodedata
path, start, suffix = sys.argv[1:4]
def width(s):
    return sum(0 if unicodedata.combining(c) or c == "\u200b" else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(path, encoding="utf-8").read().split("\n")
i = next(n for n, l in enumerate(lines) if l.startswith(start))
rows = []
for l in lines[i:]:
    if not l:
        break
    if l.startswith("  "):      # a header such as "Folders:" is not a row
        rows.append(re.sub(suffix, "", l))
want = width(rows[0])
bad = [r for r in rows[1:] if width(r) != want]
wide = [r for r in rows[1:] if width(r) != len(r)]
assert len(rows) > 2, rows
assert wide, "no row with a wide or combining name to test"
assert not bad, "not lined up with the header (%d columns):\n%s" % (want, "\n".join(bad))
PY
	then pass; else fail "$1:"; sed 's/^/  | /' "$TMP/aligned" >&2; fi
}

# A Japanese post office (code page 932): names of kanji and kana.
expect_status 0 "$CCMIG" gen "$TMP/jp" --users 8 --messages 2 --code-page 932 --seed 4
expect_status 0 "$CCMIG" inspect "$TMP/jp"
cp "$TMP/out" "$TMP/inspect"
aligned "$TMP/inspect" "  USER " '  (-|\d+ entr(y|ies), \d+ lists?|ADDRESS BOOK)$'
aligned "$TMP/inspect" "Folders:" '^\b$'

# A store whose display names are accented, combining, wide and mixed.
expect_status 0 "$CCMIG" migrate "$TMP/jp" --store "$TMP/s.db"
python3 - "$TMP/s.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = ["Müller, Jürgen", "Jose\u0301 Nu\u0303n\u0303ez", "山田 太郎 (営業)",
         "ｶﾀｶﾅ ﾀﾛｳ", "Ｆｕｌｌｗｉｄｔｈ", "Zoë 李"]
ids = [r[0] for r in db.execute("SELECT id FROM recipients WHERE kind = 'mailbox' ORDER BY id")]
for i, n in zip(ids, names):
    db.execute("UPDATE recipients SET display_name = ? WHERE id = ?", (n, i))
db.commit()
PY
expect_status 0 "$CCMIG" stat --store "$TMP/s.db"
cp "$TMP/out" "$TMP/stat"
aligned "$TMP/stat" "  ALIAS " '  \(converted\)$'

finish
