# lua_module.sh: a stock lua5.4 loads ccmig.so (beside the ccmig binary)
# with require "ccmig" and reads the fixture; `ccmig run` exit statuses.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$CCMIG")

cat >"$TMP/ok.lua" <<'LUA'
os.exit(7)
LUA
expect_status 7 "$CCMIG" run "$TMP/ok.lua"
printf 'print(arg[0], arg[1], arg[2])\n' >"$TMP/args.lua"
expect_status 0 "$CCMIG" run "$TMP/args.lua" one two
expect_grep "$TMP/args.lua	one	two" "$TMP/out"
printf 'local function f() error("boom") end\nf()\n' >"$TMP/err.lua"
expect_status 2 "$CCMIG" run "$TMP/err.lua"
expect_grep "boom" "$TMP/err"
expect_grep "stack traceback" "$TMP/err"
expect_status 2 "$CCMIG" run "$TMP/missing.lua"

if ! command -v lua5.4 >/dev/null 2>&1; then
	echo "SKIP: no lua5.4 on PATH"
elif nm -D "$CCMIG" 2>/dev/null | grep -q __asan_init; then
	# A sanitizer build's ccmig.so needs the ASan runtime preloaded into a
	# stock lua5.4; this test is about the normal build.
	echo "SKIP: stock lua5.4 with ccmig.so under the sanitizers (run the normal build)"
else
	cat >"$TMP/stock.lua" <<LUA
local ccmig = require "ccmig"
local po = assert(ccmig.open("$DATA/salespo"))
local n = 0
for _, u in ipairs(po:users()) do
  for m in po:messages(u.name) do n = n + 1 end
end
print(po.name, #po:users(), n)
po:close()
LUA
	LUA_CPATH="$BUILD/?.so" expect_status 0 lua5.4 "$TMP/stock.lua"
	expect_grep "SALESPO	6	5" "$TMP/out"

	# ccmig.so holds the module only: no policy sandbox (its watchdog may
	# end the process), no command line; a run given a policy says where
	# policies run, and a run without one works.
	printf 'return {}\n' >"$TMP/none.lua"
	cat >"$TMP/stock_run.lua" <<LUA
local ccmig = require "ccmig"
local po = assert(ccmig.open("$DATA/salespo"))
local r, why = ccmig.extract(po, "$TMP/stock_set", { policy = "$TMP/none.lua" })
print("policy", r, why)
r = assert(ccmig.extract(po, "$TMP/stock_set2"))
print("plain", r.counts.users)
LUA
	LUA_CPATH="$BUILD/?.so" expect_status 0 lua5.4 "$TMP/stock_run.lua"
	expect_grep "policy	nil	policies run only under the ccmig program: run this script with \`ccmig run\`" "$TMP/out"
	expect_grep "plain	" "$TMP/out"
	if [ -e "$TMP/stock_set/SALESPO.pkl" ]; then fail "a refused run wrote a set"; else pass; fi
	nm -D --defined-only "$BUILD/ccmig.so" | awk '{print $3}' >"$TMP/syms"
	if grep -v -e '^ccm_' -e '^luaopen_ccmig$' -e '^_' "$TMP/syms" >"$TMP/odd"; then
		fail "ccmig.so exports symbols without the ccm_ prefix: $(head -5 "$TMP/odd" | tr '\n' ' ')"
	else pass; fi
	# (core/base/progress.h's clock, ccm_progress_due, is the core's: the
	# program's progress line is not.)
	grep -v '^ccm_progress_due$' "$TMP/syms" >"$TMP/syms2"
	if grep -q -e 'polic' -e 'watchdog' -e 'progress' -e '_cmd_' "$TMP/syms2"; then
		fail "ccmig.so holds the program's parts: $(grep -e polic -e watchdog -e progress -e _cmd_ "$TMP/syms2" | head -3 | tr '\n' ' ')"
	else pass; fi
fi
finish
