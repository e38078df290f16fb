# extract.sh: ccmig extract end to end, and ccmig check over what it wrote.
. "$(dirname "$0")/lib.sh"

# The shipped fixture: written, but with problems reported (exit 1).
expect_status 1 "$CCMIG" extract "$DATA/salespo" -o "$TMP/set"
expect_grep "4 users (each with a MAILMESSAGE section)" "$TMP/out"
expect_grep "ccmig-report.txt" "$TMP/out"
for f in SALESPO.pkl Directory.pri 00000001.pri 00000004.pri 00000004.sec Public.pri \
	Public.sec ccmig-report.txt; do
	if [ -f "$TMP/set/$f" ]; then pass; else fail "no $f in the set"; fi
done
# Every line of every file ends in CR LF, the last one included.
for f in "$TMP"/set/*.pri "$TMP/set/SALESPO.pkl"; do
	if [ "$(tail -c 2 "$f" | od -An -c | tr -d ' ')" = '\r\n' ]; then pass; else
		fail "$f does not end in CR LF"; fi
done
expect_grep "impossible-date" "$TMP/set/ccmig-report.txt"

# A second run into the same folder is refused, nothing overwritten.
expect_status 2 "$CCMIG" extract "$DATA/salespo" -o "$TMP/set"
expect_grep "already holds a migration set" "$TMP/err"

# --no-mail: a MAILMESSAGE section for every user all the same (Q194218).
expect_status 1 "$CCMIG" extract "$DATA/salespo" -o "$TMP/nomail" --no-mail
n=$(cat "$TMP"/nomail/0*.pri | grep -c '^MAILMESSAGE,')
if [ "$n" -eq 4 ]; then pass; else fail "--no-mail wrote $n sections, not 4"; fi
expect_grep "mail-not-extracted" "$TMP/nomail/ccmig-report.txt"

# Bad usage.
expect_status 2 "$CCMIG" extract "$DATA/salespo"
expect_status 2 "$CCMIG" extract "$DATA/salespo" -o "$TMP/x" --since 1999-13-01
expect_status 2 "$CCMIG" extract "$DATA/salespo" -o "$TMP/x" --code-page abc
expect_status 2 "$CCMIG" extract "$DATA/salespo" -o "$TMP/x" --code-page 99999

# A generated post office with every defect: extracted, and the set checks.
"$CCMIG" gen "$TMP/po" --users 12 --messages 6 --seed 4 --defects all >/dev/null
expect_status 1 "$CCMIG" extract "$TMP/po" -o "$TMP/gset"
users=$(tr -d '\r' <"$TMP/po/directory.exp" | grep -c '^Location: [LR]$')
dups=$(grep -c 'warning: .*\[duplicate-name\]' "$TMP/gset/ccmig-report.txt")
n=$(cat "$TMP"/gset/0*.pri | grep -c '^MAILMESSAGE,')
if [ "$n" -eq $((users - dups)) ]; then pass; else
	fail "$n MAILMESSAGE sections for $users users less $dups duplicates"; fi
if "$CCMIG" check --help >/dev/null 2>&1; then
	expect_status 0 "$CCMIG" check "$TMP/gset/SALESPO.pkl"
	expect_status 0 "$CCMIG" check "$TMP/set/SALESPO.pkl"
fi

finish
