# repl.sh: ccmig repl, piped and through a pseudo-terminal (repl_pty.py).
. "$(dirname "$0")/lib.sh"

# Piped input: no prompt, results printed, `near line N`, exit 1 on error.
printf 'x=1\nprint(x+1)\nerror("boom")\n' >"$TMP/in"
expect_status 1 sh -c '"$1" repl <"$2"' sh "$CCMIG" "$TMP/in"
expect_grep "2" "$TMP/out"
expect_grep "near line 3" "$TMP/err"
expect_grep "boom" "$TMP/err"
if grep -q "ccmig>" "$TMP/out"; then fail "prompt in piped output"; else pass; fi

# return-first, =expr, multi-line chunks, tables printed readably.
cat >"$TMP/in" <<'EOF'
y = 20
y + 1
=y * 2
for i = 1, 2 do
  print("i" .. i)
end
t = {1, 2, name = "n", nested = {deep = {deeper = {deepest = {x = {}}}}}}
t.self = t
t
string.format(
  "%d-%d", 3, 4)
.help
EOF
expect_status 0 sh -c '"$1" repl <"$2"' sh "$CCMIG" "$TMP/in"
expect_grep "21" "$TMP/out"
expect_grep "40" "$TMP/out"
expect_grep "i1" "$TMP/out"
expect_grep "i2" "$TMP/out"
expect_grep 'name = "n"' "$TMP/out"
expect_grep "self = <cycle>" "$TMP/out"
expect_grep "{...}" "$TMP/out"
expect_grep '"3-4"' "$TMP/out"
expect_grep "Commands:" "$TMP/out"

# Locals live on from line to line, as in one chunk: read and assigned by
# later lines, a local function called, a block's own local apart, and no
# global made of them.
cat >"$TMP/in" <<'EOF'
local n = 5
local s, unset = "x"
n = n + 1
unset = "set"
print("n=" .. n, s, unset)
local function sq(x) return x * x end
print("sq=" .. sq(n))
for i = 1, 2 do local n = 100 end
print("still=" .. n)
print("global=" .. tostring(rawget(_G, "n")))
local po_name = po and po.name or "none"
= po_name
EOF
expect_status 0 sh -c '"$1" repl "$3" <"$2"' sh "$CCMIG" "$TMP/in" "$DATA/salespo"
expect_grep "n=6	x	set" "$TMP/out"
expect_grep "sq=36" "$TMP/out"
expect_grep "still=6" "$TMP/out"
expect_grep "global=nil" "$TMP/out"
expect_grep '"SALESPO"' "$TMP/out"

# A syntax error and an unfinished chunk at the end both count, by line.
printf 'a = 1\nb = = 2\nprint(a)\nfunction f()\n' >"$TMP/in"
expect_status 1 sh -c '"$1" repl <"$2"' sh "$CCMIG" "$TMP/in"
expect_grep "near line 2" "$TMP/err"
expect_grep "near line 4" "$TMP/err"
expect_grep "1" "$TMP/out"

# .quit stops reading; unknown dot commands are errors.
printf '.quit\nerror("never")\n' >"$TMP/in"
expect_status 0 sh -c '"$1" repl <"$2"' sh "$CCMIG" "$TMP/in"
printf '.frob\n' >"$TMP/in"
expect_status 1 sh -c '"$1" repl <"$2"' sh "$CCMIG" "$TMP/in"
expect_grep ".help lists them" "$TMP/err"

# Bad usage and arguments that are neither post office nor store.
expect_status 2 "$CCMIG" repl --bogus
expect_status 2 "$CCMIG" repl "$DATA/salespo" "$DATA/salespo"
expect_status 2 "$CCMIG" repl "$TMP/does-not-exist"
mkdir -p "$TMP/empty"
expect_status 2 "$CCMIG" repl "$TMP/empty"
expect_grep "po.txt" "$TMP/err"
expect_status 0 "$CCMIG" repl --help

# The post office as `po`, the store as `store`: through the ccmig module.
# PENDING until the module has ccmig.open / ccmig.store: then the REPL
# must refuse clearly (exit 2, naming the missing function); once they
# exist the objects must be bound. Re-run when the module lands.
printf '=type(ccmig.open)\n=type(ccmig.store)\n' >"$TMP/in"
"$CCMIG" repl <"$TMP/in" >"$TMP/types" 2>/dev/null
if [ "$(sed -n 1p "$TMP/types")" = '"function"' ]; then
	printf '=po ~= nil\n' >"$TMP/in"
	expect_status 0 sh -c '"$1" repl "$2" <"$3"' sh "$CCMIG" "$DATA/salespo" "$TMP/in"
	expect_grep "true" "$TMP/out"
else
	echo "PENDING: ccmig.open is not in the module yet; po binding untested" >&2
	expect_status 2 "$CCMIG" repl "$DATA/salespo" </dev/null
	expect_grep "ccmig.open" "$TMP/err"
fi
"$CCMIG" dirsync "$DATA/salespo" --store "$TMP/s.db" >/dev/null 2>&1
if [ "$(sed -n 2p "$TMP/types")" = '"function"' ]; then
	printf '=store ~= nil\n' >"$TMP/in"
	expect_status 0 sh -c '"$1" repl "$2" <"$3"' sh "$CCMIG" "$TMP/s.db" "$TMP/in"
	expect_grep "true" "$TMP/out"
else
	echo "PENDING: ccmig.store is not in the module yet; store binding untested" >&2
	expect_status 2 "$CCMIG" repl "$TMP/s.db" </dev/null
	expect_grep "ccmig.store" "$TMP/err"
fi

# On a terminal: prompts, editing, completion, Ctrl-C, history.
# With the module's ccmig.open, po's methods complete too.
PO_ARG=
[ "$(sed -n 1p "$TMP/types")" = '"function"' ] && PO_ARG=$DATA/salespo
if python3 -B "$(dirname "$0")/repl_pty.py" "$CCMIG" "$TMP" $PO_ARG >"$TMP/pty" 2>&1; then
	pass
else
	fail "repl through a pseudo-terminal"
fi
sed 's/^/  pty: /' "$TMP/pty"
finish
