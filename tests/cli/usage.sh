# usage.sh: a command line that is missing something, or gives two things
# that exclude each other, says which; --version; migrate's date window;
# a policy that does not load leaves no store behind.
. "$(dirname "$0")/lib.sh"

# expect_says WANT CMD...: CMD exits 2 (bad usage) and its stderr says WANT.
expect_says() {
	says=$1; shift
	expect_status 2 "$@"
	expect_grep "$says" "$TMP/err"
}

expect_status 0 "$CCMIG" --version
expect_grep "ccmig 0." "$TMP/out"

expect_says "ccmig migrate: which post office? give its folder" \
	"$CCMIG" migrate --store "$TMP/s.db"
expect_says "ccmig migrate: which store? give --store S.db" \
	"$CCMIG" migrate "$DATA/salespo"
expect_says "ccmig migrate: --store needs a value" \
	"$CCMIG" migrate "$DATA/salespo" --store
expect_says "ccmig migrate: unknown option '--stroe'" \
	"$CCMIG" migrate "$DATA/salespo" --stroe "$TMP/s.db"
expect_says "ccmig extract: where to? give -o SET_DIR" "$CCMIG" extract "$DATA/salespo"
expect_says "ccmig import: which store? give --store S.db" "$CCMIG" import x.pkl
expect_says "ccmig import: which set? give its packing list" "$CCMIG" import --store "$TMP/s.db"
expect_says "ccmig dirsync: which store? give --store S.db" "$CCMIG" dirsync "$DATA/salespo"
expect_says "ccmig verify: which store? give --store S.db" "$CCMIG" verify "$DATA/salespo"
expect_says "ccmig stat: which store? give --store S.db" "$CCMIG" stat
expect_says "ccmig check: which set?" "$CCMIG" check
expect_says "ccmig inspect: which post office?" "$CCMIG" inspect
expect_says "ccmig run: which script?" "$CCMIG" run
expect_says "ccmig export: which store? give --store S.db" "$CCMIG" export --maildir "$TMP/m"
expect_says "ccmig export: where to? give --maildir DIR, --mbox DIR, --pst DIR or --imap URL" \
	"$CCMIG" export --store "$TMP/s.db"
expect_says "ccmig export: --maildir and --mbox are exclusive" \
	"$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/m" --mbox "$TMP/b"
expect_says "ccmig export: --mbox and --imap are exclusive" \
	"$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/b" --imap imap://localhost
expect_says "ccmig export: --imap needs --imap-credentials FILE" \
	"$CCMIG" export --store "$TMP/s.db" --imap imap://localhost
expect_grep "'ccmig export --help' lists the options" "$TMP/err"
expect_says "ccmig: unknown command 'migrat'" "$CCMIG" migrat
# None of these made a store or an output folder.
if [ -e "$TMP/s.db" ] || [ -e "$TMP/m" ] || [ -e "$TMP/b" ]; then
	fail "bad usage left files behind: $(ls "$TMP")"; else pass; fi

# A policy that does not load (missing, or broken) stops migrate before
# the store is made: nothing to clean up, the same command runs again.
printf 'return { message = function(m) return false end\n' >"$TMP/broken.lua"
expect_status 2 "$CCMIG" migrate "$DATA/salespo" --store "$TMP/new.db" \
	--policy "$TMP/broken.lua"
expect_grep "broken.lua" "$TMP/err"
expect_status 2 "$CCMIG" migrate "$DATA/salespo" --store "$TMP/new.db" \
	--policy "$TMP/missing.lua"
if ls "$TMP" | grep -q '^new\.db'; then
	fail "a policy that did not load left $(ls "$TMP" | grep new.db)"; else pass; fi

# migrate takes extract's date window: what falls outside is left out by
# that decision, and verify accounts for it.
expect_status 0 "$CCMIG" gen "$TMP/po" --users 3 --messages 12 --seed 5
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/w.db" \
	--since 1998-01-01 --until 1999-01-01
expect_grep "Left out by decision" "$TMP/out"
expect_status 0 "$CCMIG" verify "$TMP/po" --store "$TMP/w.db"
expect_grep "by option:date-range" "$TMP/out"
expect_says "ccmig migrate: dates are YYYY-MM-DD" \
	"$CCMIG" migrate "$TMP/po" --store "$TMP/w2.db" --until 1999-02-30
if [ -e "$TMP/w2.db" ]; then fail "a bad date left a store"; else pass; fi

finish
