# gen.sh: `ccmig gen`: its usage, bad options, and a second run into one folder.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$CCMIG" gen --help
expect_grep "deep-nesting" "$TMP/out"
expect_status 2 "$CCMIG" gen
expect_status 2 "$CCMIG" gen "$TMP/x" --bogus
expect_grep "--bogus" "$TMP/err"
expect_status 2 "$CCMIG" gen "$TMP/x" --defects nope
expect_grep "nope" "$TMP/err"
expect_status 2 "$CCMIG" gen "$TMP/x" --no-item-sizes
expect_status 0 "$CCMIG" gen "$TMP/x" --users 3 --messages 2 --defects all
expect_grep "messages" "$TMP/out"
# A second run into the same folder refuses without --force.
expect_status 2 "$CCMIG" gen "$TMP/x" --users 3
expect_status 0 "$CCMIG" gen "$TMP/x" --users 3 --force
finish
