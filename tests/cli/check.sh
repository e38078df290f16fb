# check.sh: ccmig check on Microsoft's examples, on hand-edited mistakes, and on ccmig's own sets.
. "$(dirname "$0")/lib.sh"

# Microsoft's examples read clean: exit 0, with the counts.
expect_status 0 "$CCMIG" check "$DATA/iff/sdk/SALESPO.PKL"
expect_grep "code page 850; 3 primary, 2 secondary files" "$TMP/out"
expect_grep "Sections: 1 DIRECTORY, 1 PAB, 2 MAILMESSAGE (1 public, 0 empty); 0 bad" "$TMP/out"
expect_grep "Rows: 2 directory, 3 address book, 6 messages; 0 with errors" "$TMP/out"
expect_grep "Messages: 1 attachments, 0 documents, 1 schedules" "$TMP/out"
expect_grep "Secondary files: 11 sections" "$TMP/out"
expect_grep "Report: 0 errors, 0 warnings, 0 notes" "$TMP/out"
expect_status 0 "$CCMIG" check "$DATA/iff/constructed/CONSTR.PKL"
expect_grep "Messages: 1 attachments, 1 documents, 0 schedules, 1 values" "$TMP/out"

# --json: one object with the same numbers.
expect_status 0 "$CCMIG" check --json "$DATA/iff/sdk/SALESPO.PKL"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["code_page"] == 850 and d["files"]["primary"] == 3
assert d["sections"] == {"directory": 1, "pab": 1, "mailmessage": 2, "public": 1,
                         "empty_mailmessage": 0, "bad": 0}, d["sections"]
assert d["rows"]["messages"] == 6 and d["schedules"] == 1
assert d["report"]["errors"] == 0 and d["report"]["entries"] == []
' "$TMP/out"; then pass; else fail "check --json on the SDK set"; fi

# A set edited by hand, the way people do it between the two steps.
cp -r "$DATA/iff/sdk" "$TMP/edited"
python3 - "$TMP/edited" <<'PY'
import sys
d = sys.argv[1]
p = d + '/SALESPO1.PRI'
b = open(p, 'rb').read()
b = b.replace(b'19950321063321,19950321063321', b'19950231063321,19950321063321')
b = b.replace(b'Inbox,Pat Parkes,Elizabeth Brown', b'Inbox,"Pat" Parkes,Elizabeth Brown')
b = b.replace(b'#SALESPO1.SEC(575)', b'#../../etc/passwd(0)')
b = b.replace(b'#SALESPO1.SEC(356)', b'#SALESPO1.SEC(357)')
open(p, 'wb').write(b)
# The body of a message lengthened in an editor, its Length not updated.
p = d + '/SALESPO2.SEC'
b = open(p, 'rb').read()
open(p, 'wb').write(b.replace(b'Reviews are due on Monday.', b'Reviews are due on Monday at last.'))
open(d + '/SALESPO.PKL', 'ab').write(b'../outside.pri,Primary\r\n')
# Where each problem is, for the expected lines below.
pri = open(d + '/SALESPO1.PRI', 'rb').read()
with open(d + '/offsets', 'w') as f:
    f.write('%d %d %d %d\n' % (pri.index(b'19950231'), pri.index(b'"Pat" Parkes') + 5,
                               pri.index(b'#../../etc'), pri.index(b'#SALESPO1.SEC(357)')))
PY
read date_off quote_off passwd_off mid_off <"$TMP/edited/offsets"
expect_status 1 "$CCMIG" check "$TMP/edited/SALESPO.PKL"
expect_grep "SALESPO1.PRI:12 (byte $date_off): error: Send-Date '19950231063321' is not a date" "$TMP/out"
expect_grep "(event 8095) [bad-date]" "$TMP/out"
expect_grep "SALESPO1.PRI:11 (byte $quote_off): error: parser error: characters found after end doublequote" "$TMP/out"
expect_grep "(event 27) [quote-error]" "$TMP/out"
expect_grep "SALESPO1.PRI:13 (byte $passwd_off): error: '#../../etc/passwd(0)' does not name a secondary file by a bare file name" "$TMP/out"
expect_grep "(event 8054) [bad-pointer]" "$TMP/out"
expect_grep "SALESPO1.PRI:14 (byte $mid_off): error: error in the secondary file: byte 357 of SALESPO1.SEC is not the start of a line" "$TMP/out"
expect_grep "(event 8005) [offset-not-line-start]" "$TMP/out"
expect_grep "SALESPO2.SEC:16 (byte 798): warning: the 28 data bytes of the Body section at byte 798 are not followed by a line end: is its Length right?" "$TMP/out"
expect_grep "SALESPO.PKL:10 (byte 151): error: '../outside.pri' names a path" "$TMP/out"
expect_grep "[pkl-path-refused]" "$TMP/out"
expect_grep "SALESPO2.SEC:17 (byte 844): error: invalid secondary section heading ' last.'" "$TMP/out"
expect_grep "(event 8059) [sec-structure]" "$TMP/out"
expect_grep "Rows: 2 directory, 3 address book, 5 messages; 4 with errors" "$TMP/out"

# The same in JSON, each entry with its event, file, line and offset.
expect_status 1 "$CCMIG" check --json "$TMP/edited/SALESPO.PKL"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["kind"]: x for x in d["report"]["entries"]}
assert e["bad-pointer"]["event"] == 8054 and e["bad-pointer"]["line"] == 13
assert e["bad-pointer"]["file"] == "SALESPO1.PRI"
assert e["bad-pointer"]["user"] == "PROFS:SANFRAN(HOWARDS)"
assert e["quote-error"]["event"] == 27
assert e["length-mismatch"]["offset"] == 798
assert d["rows"]["skipped"] == 4, d["rows"]
' "$TMP/out"; then pass; else fail "check --json on the edited set"; fi

# Sets that cannot be read at all, and bad usage: exit 2.
expect_status 2 "$CCMIG" check "$TMP/none.pkl"
expect_grep "no packing list" "$TMP/err"
mkdir -p "$TMP/nocp"
printf 'Filename,Filetype\r\nA.PRI,Primary\r\n' >"$TMP/nocp/a.pkl"
expect_status 2 "$CCMIG" check "$TMP/nocp/a.pkl"
expect_grep "a.pkl:1 (byte 0): the first line that is not a '!' comment must be the set's code page number" "$TMP/err"
expect_status 2 "$CCMIG" check
expect_status 2 "$CCMIG" check --bogus "$DATA/iff/sdk/SALESPO.PKL"
expect_status 2 "$CCMIG" check "$DATA/iff/sdk/SALESPO.PKL" "$DATA/iff/sdk/SALESPO.PKL"
expect_status 0 "$CCMIG" check --help

# ccmig's own extractor writes sets that check clean (extract itself exits
# 1 when it skips something, e.g. the R8 settings folders).
"$CCMIG" gen "$TMP/po" --seed 3 >/dev/null 2>&1
"$CCMIG" extract "$TMP/po" -o "$TMP/set" >/dev/null 2>&1
if [ $? -le 1 ] && [ -f "$TMP/set/SALESPO.pkl" ]; then
	expect_status 0 "$CCMIG" check "$TMP/set/SALESPO.pkl"
	expect_grep "Report: 0 errors, 0 warnings" "$TMP/out"
else
	fail "gen + extract to make a set to check"
fi

finish
