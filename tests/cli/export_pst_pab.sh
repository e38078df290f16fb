# export_pst_pab.sh: personal address books exported with --pst: the SDK's
# migration set (first and last names, a company and a phone, an X.400
# address, a list of two entries) and entries and lists added to its
# store (every PAB column, a column with no contact property, a list of
# lists, addresses and names in another case, a list past Outlook's
# 15,000 bytes of members, a mailbox with a Contacts folder of its own)
# read back with libpff through the name-to-id map (pst_pab_check.py),
# as readpst's vCards and by pffexport; every file passes pst_check.py
# (the map's hash buckets among the rest); two exports are the same bytes.
. "$(dirname "$0")/lib.sh"
pst_readers

# sql DB QUERY: the rows, columns joined by '|'; sql_script DB: runs stdin.
sql() {
	python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join(map(str, r)))' "$@"
}
sql_script() {
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.stdin.read())
db.commit()' "$@"
}

cp -r "$DATA/iff/sdk" "$TMP/sdk"
S="$TMP/s.db"
expect_status 0 "$CCMIG" import "$TMP/sdk/SALESPO.PKL" --store "$S" --create-mailboxes
user=$(sql "$S" "SELECT DISTINCT mailbox_id FROM pab_entries")
other=$(sql "$S" "SELECT id FROM recipients WHERE id <> $user AND id IN
	(SELECT mailbox_id FROM folders) ORDER BY id LIMIT 1")
[ -n "$user" ] && [ -n "$other" ] && pass || fail "no mailbox with an address book"
members=""
i=0
while [ $i -lt 300 ]; do
	members="$members((SELECT max(id) FROM pab_entries), $((i + 1)), 'SMTP:member$i@example.com'),"
	i=$((i + 1))
done
sql_script "$S" <<SQL || fail "cannot add address book entries"
INSERT INTO pab_entries (mailbox_id, kind, display_name, email, first_name, last_name, note, fields)
VALUES ($user, 'entry', 'Lee, Ann', 'SMTP:ann@example.com', 'Ann', 'Lee', 'Met at the 1994 fair',
	'Address=1 Main St' || char(10) || 'City=Springfield' || char(10) || 'State=IL' || char(10) ||
	'Zip=62701' || char(10) || 'Country=USA' || char(10) || 'Title=Buyer' || char(10) ||
	'Department=Toys' || char(10) || 'Office=B2' || char(10) || 'Assistant=Joe' || char(10) ||
	'Bus-Num=555-0101' || char(10) || 'Bus2-Num=555-0102' || char(10) ||
	'Assist-Num=555-0103' || char(10) || 'Fax-Num=555-0104' || char(10) ||
	'Home2-Num=555-0105' || char(10) || 'Mobile-Num=555-0106' || char(10) ||
	'Pager-Num=555-0107' || char(10) || 'Birthday=May 1' || char(10));
INSERT INTO pab_entries (mailbox_id, kind, display_name) VALUES ($user, 'entry', 'No Address');
INSERT INTO pab_entries (mailbox_id, kind, display_name, note) VALUES ($user, 'dl', 'Everyone', 'All of them');
INSERT INTO pab_members VALUES ((SELECT max(id) FROM pab_entries), 1, 'My Friends'),
	((SELECT max(id) FROM pab_entries), 2, 'lee, ann'), ((SELECT max(id) FROM pab_entries), 3, 'SMTP:bob@example.com'),
	((SELECT max(id) FROM pab_entries), 4, 'Terry Wilson at PARISPO'), ((SELECT max(id) FROM pab_entries), 5, 'Everyone'),
	((SELECT max(id) FROM pab_entries), 6, 'Later List');
INSERT INTO pab_entries (mailbox_id, kind, display_name) VALUES ($user, 'dl', 'Big');
INSERT INTO pab_members VALUES ${members%,};
INSERT INTO pab_entries (mailbox_id, kind, display_name) VALUES ($user, 'dl', 'Later List');
INSERT INTO folders (mailbox_id, parent_id, name, path, path_key) VALUES ($other, NULL, 'Contacts', 'Contacts', 'contacts');
INSERT INTO pab_entries (mailbox_id, kind, display_name, email) VALUES ($other, 'entry', 'Solo', 'CCMAIL:Solo at SALESPO');
SQL

expect_status 0 "$CCMIG" export --store "$S" --pst "$TMP/pst"
expect_grep "5 contacts, 4 personal lists" "$TMP/out"
for f in "$TMP/pst"/*.pst; do
	if python3 -B "$PST/pst_check.py" "$f" >"$TMP/check" 2>&1; then pass; else
		fail "$f breaks the format"; sed 's/^/  | /' "$TMP/check" >&2; fi
	vc="$TMP/vcards/$(basename "$f" .pst)"
	mkdir -p "$vc" && readpst -q -j 0 -r -cv -t c -o "$vc" "$f" >/dev/null 2>&1 && pass ||
		fail "readpst -cv on $f"
done
if $PY -B "$PST/pst_pab_check.py" --store "$S" --dir "$TMP/pst" --vcards "$TMP/vcards" \
	>"$TMP/check" 2>&1; then pass; else
	fail "the address books differ from the store"; sed 's/^/  | /' "$TMP/check" >&2; fi
expect_grep "checked 5 contacts, 4 lists, " "$TMP/check"
# The mailbox's own Contacts folder stays, the book goes beside it.
if $PY - "$TMP/pst" <<'PY' >"$TMP/names" 2>&1; then pass; else fail "folder names"; cat "$TMP/names" >&2; fi
import glob, sys
import pypff
names = []
for path in sorted(glob.glob(sys.argv[1] + "/*.pst")):
    f = pypff.file()
    f.open(path)
    top = [t for t in (f.root_folder.get_sub_folder(i) for i in range(f.root_folder.number_of_sub_folders))
           if t.name == "Top of Personal Folders"][0]
    names += [top.get_sub_folder(i).name for i in range(top.number_of_sub_folders)]
assert names.count("Contacts") == 2, names
assert names.count("Contacts (cc:Mail address book)") == 1, names
PY
# The store and the contacts agree with readpst's list mode too.
expect_status 0 readpst -q -j 0 -r -cl -t c -o "$TMP/vcards" "$TMP/pst/$(sql "$S" "SELECT alias FROM recipients WHERE id = $user").pst"
grep -rqF "Lee, Ann <ann@example.com>" "$TMP/vcards" && pass || fail "readpst -cl: no 'Lee, Ann <ann@example.com>'"
# pffexport takes them for contacts and lists, named properties resolved.
up="$TMP/pst/$(sql "$S" "SELECT alias FROM recipients WHERE id = $user").pst"
expect_status 0 pffexport -q -t "$TMP/pe" "$up"
n_c=$(find "$TMP/pe.export" -type d -name 'Contact[0-9]*' | wc -l)
n_l=$(find "$TMP/pe.export" -type d -name 'DistributionList[0-9]*' | wc -l)
[ "$n_c" -eq 4 ] && [ "$n_l" -eq 4 ] && pass || fail "pffexport: $n_c contacts, $n_l lists, not 4 and 4"
grep -rq "Email address 1:.*ann@example.com" "$TMP/pe.export" && pass ||
	fail "pffexport: no contact with Email address 1 ann@example.com"
# Deterministic: again, the same bytes.
expect_status 0 "$CCMIG" export --store "$S" --pst "$TMP/pst2"
for f in "$TMP/pst"/*.pst; do
	cmp -s "$f" "$TMP/pst2/$(basename "$f")" && pass || fail "two exports of $(basename "$f") differ"
done

echo "export_pst_pab: $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
