# help.sh: the top-level usage, each command's --help, the options each
# command takes and the bash completion agree with one list (help.py).
. "$(dirname "$0")/lib.sh"

if python3 "$(dirname "$0")/help.py" "$CCMIG" "$DATA/../.." >"$TMP/help" 2>&1; then
	pass
else
	fail "help, options and completion disagree:"; sed 's/^/  | /' "$TMP/help" >&2
fi
finish
