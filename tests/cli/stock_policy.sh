# stock_policy.sh: --policy NAME finds a stock policy: in the source tree
# for the program of a build, in share/ccmig/policies beside an installed
# program; an unknown name lists those there are.
. "$(dirname "$0")/lib.sh"

PO=$DATA/salespo

# From the build: the source tree's scripts/policies.
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/a.db" --policy skip-mail
expect_grep "4 users, 0 messages" "$TMP/out"
# The run records the file it used, with its digest.
python3 - "$TMP/a.db" >"$TMP/runs" <<'PY'
import sqlite3, sys
for (p,) in sqlite3.connect(sys.argv[1]).execute("SELECT policies FROM runs"):
    print(p)
PY
expect_grep "scripts/policies/skip-mail.lua" "$TMP/runs"

# A name with a typo: nothing runs, and the names there are are said.
expect_status 2 "$CCMIG" migrate "$PO" --store "$TMP/b.db" --policy skip-mial
expect_grep "no stock policy 'skip-mial': the stock policies are big-attachments, boards-only, date-range," "$TMP/err"
expect_grep "skip-mail" "$TMP/err"
expect_grep "such as ./skip-mial.lua" "$TMP/err"
if [ -e "$TMP/b.db" ]; then fail "an unknown policy left a store"; else pass; fi
# A path, or a name ending in .lua, is a file as always.
expect_status 2 "$CCMIG" extract "$PO" -o "$TMP/c" --policy skip-mail.lua
expect_grep "skip-mail.lua" "$TMP/err"

# Installed (a copy of the program under a prefix of its own): the share
# folder beside bin/ is where it looks, not the source tree.
mkdir -p "$TMP/prefix/bin" "$TMP/prefix/share/ccmig/policies"
cp "$CCMIG" "$TMP/prefix/bin/ccmig"
printf -- '-- installed-only.lua: no mail\nreturn { message = function() return false end }\n' \
	>"$TMP/prefix/share/ccmig/policies/installed-only.lua"
expect_status 1 "$TMP/prefix/bin/ccmig" extract "$PO" -o "$TMP/d" --policy installed-only
expect_grep "0 messages" "$TMP/out"
expect_status 2 "$TMP/prefix/bin/ccmig" extract "$PO" -o "$TMP/e" --policy no-such-policy
expect_grep "the stock policies are installed-only (in $TMP/prefix/bin/../share/ccmig/policies)" "$TMP/err"

finish
