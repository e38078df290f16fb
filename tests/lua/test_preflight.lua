-- test_preflight.lua: ccmig.preflight, what a migration with these
-- options and policies would leave out, and nothing migrated.
local check = require "check"
local data = arg[1]

-- Its temporary folder goes under $TMPDIR, and goes: the test runs itself
-- again with a $TMPDIR of its own, to see that nothing is left in it.
local tmp = os.getenv("CCMIG_TEST_TMPDIR")
if not tmp then
	tmp = check.tmpdir()
	local ok = os.execute(("CCMIG_TEST_TMPDIR='%s' TMPDIR='%s' '%s' run '%s' '%s'"):format(
		tmp, tmp, arg[-1], arg[0], data))
	check.cleanup()
	os.exit(ok and 0 or 1)
end
local po = assert(ccmig.open(data .. "/salespo"))
local function left_in_tmp()
	local p = assert(io.popen("ls -A '" .. tmp .. "'"))
	local s = p:read("a")
	p:close()
	return s
end

-- A user and a message left out by a policy's hooks, each with why.
local r = assert(ccmig.preflight(po, { policy = {
	user = function(u) return u.name ~= "Doe, Jane" end,
	message = function(m) return m.subject ~= "[draft] plan" end,
} }))
check.eq(r.ok, true, "no failure")
check.eq(#r.failures, 0, "no failures listed")
check.eq(r.users, 3, "users that would be migrated")
check.eq(r.users, r.counts.users, "users is the extraction's count")
check.eq(#r.left_out_users, 1, "one user left out")
check.eq(r.left_out_users[1].name, "Doe, Jane", "the user left out")
check.eq(r.left_out_users[1].why, "policy:(policy table):user", "why: who decided")
check.eq(#r.left_out, 1, "one message left out")
local m = r.left_out[1]
check.eq(m.user, "Smith, John", "its owner")
check.eq(m.number, 3, "its number")
check.eq(m.subject, "[draft] plan", "its subject")
check.eq(os.date("!%Y-%m-%d", m.date), "1999-02-28", "its date")
check.eq(m.folder, "Projects\\1999", "its folder")
check.eq(m.why, "policy:(policy table):message", "why")
check.ok(type(r.events) == "table" and r.counts.messages == 5, "the extraction's report too")

-- A stock policy by its name, with arguments: Smith's first two (dated
-- 2000-01-01) and the other users' mail fall outside 1999.
r = assert(ccmig.preflight(po, {
	policy = "date-range", policy_args = { since = "1999-01-01", ["until"] = "2000-01-01" },
}))
local outside = {}
for _, x in ipairs(r.left_out) do
	check.eq(x.why, "policy:date-range.lua:message", "why names the script and hook")
	outside[#outside + 1] = x.user .. "#" .. x.number
end
table.sort(outside)
check.eq(table.concat(outside, ","), "Grewal, Jeff#1,Grewal, Jeff#2,Smith, John#1,Smith, John#2,Social#1",
	"the messages outside the range")
check.eq(left_in_tmp(), "", "nothing left in $TMPDIR")

-- The date range as an option: the same messages, each said by the option.
r = assert(ccmig.preflight(po, { since = os.time{ year = 1999, month = 1, day = 1, hour = 0 },
	["until"] = os.time{ year = 2000, month = 1, day = 1, hour = 0 } }))
local n = 0
for _, x in ipairs(r.left_out) do
	if x.why == "option:date-range" then n = n + 1 end
end
check.ok(n >= 4, "messages left out by the option: " .. n)

-- Attachments a policy drops.
r = assert(ccmig.preflight(po, { policy = "big-attachments", policy_args = { max_mb = "0.0001" } }))
check.eq(#r.dropped_attachments, 1, "one attachment over 104 bytes")
local a = r.dropped_attachments[1]
check.eq(a.user .. "#" .. a.number .. " " .. a.name .. " " .. a.size, "Smith, John#2 budget.wk4 256",
	"the attachment dropped")
check.eq(a.why, "policy:big-attachments.lua:message", "who dropped it")
check.eq(a.path .. " " .. a.index, "1 1", "its path and index")
check.eq(r.counts.attachments_dropped, 1, "the extraction counts it")

-- A hook that fails: said once, with the users it cost, and not ok.
r = assert(ccmig.preflight(po, { policy = {
	message = function(m) error("no messages today") end,
} }))
check.eq(r.ok, false, "a failing hook is not ok")
check.eq(#r.failures, 1, "one distinct failure")
local f = r.failures[1]
check.ok(f.text:find("no messages today", 1, true) and not f.text:find("user '", 1, true),
	"the failure's text, without whom it cost: " .. f.text)
table.sort(f.users)
check.eq(table.concat(f.users, ","), "Grewal, Jeff,Smith, John", "the users it cost, once each")
check.eq(f.boards, true, "and the boards")
check.eq(#r.left_out, 0, "nothing of theirs is listed as left out by decision")

-- Unknown stock policy: nil and the names; nothing left behind.
local none, err = ccmig.preflight(po, { policy = "skip-mial" })
check.eq(none, nil, "an unknown name gives nil")
check.ok(err:find("the stock policies are", 1, true), "and lists them: " .. tostring(err))
check.eq(left_in_tmp(), "", "nothing left in $TMPDIR after a failure")

po:close()
check.done()
