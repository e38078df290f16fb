# lua_forwards.sh: po:messages() gives forwarded messages as messages
# (it:message()), so a script reaches every attachment `ccmig inspect`
# counts, at every depth; lifetimes and one-way reading are enforced.
. "$(dirname "$0")/lib.sh"
PO="$TMP/po"

# Seed 7 holds forwards in forwards (three deep in its showcase message).
expect_status 0 "$CCMIG" gen "$PO" --seed 7 --users 8 --messages 15 \
	--attachment-share 0.3 --no-progress
expect_status 0 "$CCMIG" inspect --json "$PO"
cp "$TMP/out" "$TMP/inspect.json"

# Every mailbox and board walked, forwarded messages descended into: per
# owner, the attachments, their bytes and the forwarded messages.
cat >"$TMP/walk.lua" <<'LUA'
local po = assert(ccmig.open(arg[1]))
local per, deepest = {}, 0
local function walk(m, t)
	assert(m.owner and type(m.to) == "table" and type(m.headers) == "table", "fields")
	if m.depth > deepest then deepest = m.depth end
	for it in m:items() do
		assert(it.depth == m.depth, "an item's depth is its message's")
		if it.kind == "message" then
			t.forwarded = t.forwarded + 1
			local inner = it:message()
			if inner then
				assert(inner == it:message(), "the same message each time")
				assert(inner.depth == m.depth + 1 and inner.owner == m.owner, "nested")
				walk(inner, t)
			end
		elseif it.kind ~= "text" then
			t.attachments = t.attachments + 1
			t.attachment_bytes = t.attachment_bytes + #it:read("a")
		end
	end
end
for m in po:messages() do
	local t = per[m.owner] or { attachments = 0, attachment_bytes = 0, forwarded = 0 }
	per[m.owner] = t
	walk(m, t)
end
local out = assert(io.open(arg[2], "w"))
for name, t in pairs(per) do
	out:write(string.format("%s\t%d\t%d\t%d\n", name, t.attachments, t.attachment_bytes,
				t.forwarded))
end
out:close()
print("deepest " .. deepest)
LUA
expect_status 0 "$CCMIG" run "$TMP/walk.lua" "$PO" "$TMP/walk.tsv"
expect_grep "deepest 3" "$TMP/out"
python3 - "$TMP/inspect.json" "$TMP/walk.tsv" <<'PY' >"$TMP/cmp" 2>&1
import json, sys
j = json.load(open(sys.argv[1]))
want = {b["name"]: (b["attachments"], b["attachment_bytes"], b["forwarded"])
        for b in j["mailboxes"] + j["boards"] if b["messages"]}
got = {}
for line in open(sys.argv[2], encoding="utf-8"):
    name, *n = line.rstrip("\n").split("\t")
    got[name] = tuple(int(v) for v in n)
if got != want:
    sys.exit("walk %r\ninspect %r" % (got, want))
nested = sum(v[0] for v in want.values())
print("attachments", nested)
PY
if [ $? -eq 0 ]; then pass; else fail "the walk and inspect differ"; cat "$TMP/cmp" >&2; fi

# One way or the other: a forward read raw has no message, one entered
# cannot be read raw; a forwarded message lives as long as its item; a
# loop left early inside a forward lets the outer loop go on.
cat >"$TMP/rules.lua" <<'LUA'
local po = assert(ccmig.open(arg[1]))
local function raises(pat, f)
	local ok, err = pcall(f)
	assert(not ok and tostring(err):find(pat, 1, true), tostring(err))
end
local kept, seen_after, raw = nil, 0, 0
for m in po:messages() do
	for it in m:items() do
		if it.kind == "message" and raw == 0 then
			raw = #it:read("a")
			assert(raw > 0 and it:read("a") == "", "read raw")
			raises("it:message() after it:read()", function() return it:message() end)
		elseif it.kind == "message" and not kept then
			local inner = assert(it:message())
			raises("it:read() after it:message()", function() return it:read(10) end)
			for x in inner:items() do break end      -- left early
			raises("can be walked once", function() return inner:items() end)
			kept = inner
		elseif kept and it.kind ~= "message" then
			seen_after = seen_after + 1           -- the outer loop goes on
		elseif it.kind ~= "message" then
			raises("only those hold a forwarded message", function() return it:message() end)
		end
	end
	if kept then break end
end
assert(kept and kept:expired(), "expired with its item")
raises("this message has expired", function() return kept.subject end)
print("rules ok " .. seen_after)
LUA
expect_status 0 "$CCMIG" run "$TMP/rules.lua" "$PO"
expect_grep "rules ok" "$TMP/out"
finish
