# docs_examples.sh: every Lua example of docs/lua.md and docs/policies.md
# runs, against the post office they describe and a generated one, and
# prints what the documentation says it prints (docs_examples.py).
. "$(dirname "$0")/lib.sh"
if python3 "$(dirname "$0")/docs_examples.py" "$CCMIG" "$DATA" "$TMP" >"$TMP/log" 2>&1
then pass; else fail "the documentation's examples:"; fi
sed 's/^/  | /' "$TMP/log"
finish
