# lib.sh: helpers for the command-line tests (sourced, not run).
# Each test is run as: sh tests/cli/NAME.sh path/to/ccmig tests/data
set -u
CCMIG=$1
DATA=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ccmig-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# expect_status WANT CMD...: runs CMD (output to $TMP/out, $TMP/err).
expect_status() {
	want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass; else
		fail "exit $got, wanted $want: $*"; sed 's/^/  | /' "$TMP/err" >&2; fi
}

# expect_grep PATTERN FILE: FILE must contain PATTERN (fixed string).
expect_grep() {
	if grep -qF -- "$1" "$2"; then pass; else fail "'$1' not in $2"; fi
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
