-- test_policy.lua: opts.policy from Lua: file names, arguments, failures.
local check = require "check"
local data = arg[1]
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local pol = here .. "/../../scripts/policies/"
local tmp = check.tmpdir() .. "/x"

local po = assert(ccmig.open(data .. "/salespo"))

-- A policy by file name: every user, no mail.
local r = assert(ccmig.extract(po, tmp .. "-a", { policy = pol .. "skip-mail.lua" }))
check.eq(r.counts.users, 4, "users with skip-mail")
check.eq(r.counts.messages, 0, "messages with skip-mail")

-- Several, with arguments: the date range keeps Smith's three.
r = assert(ccmig.extract(po, tmp .. "-b", {
	policy = { pol .. "date-range.lua" },
	policy_args = { since = "1999-01-01", ["until"] = "2000-01-02" },
}))
check.eq(r.counts.messages, 3, "messages in the date range")

-- A stock policy by its name, as --policy NAME finds it: alone, and in
-- an array with a file.
r = assert(ccmig.extract(po, tmp .. "-s1", {
	policy = "date-range",
	policy_args = { since = "1999-01-01", ["until"] = "2000-01-02" },
}))
check.eq(r.counts.messages, 3, "messages in the date range, by the stock name")
r = assert(ccmig.extract(po, tmp .. "-s2", { policy = { "skip-mail", pol .. "date-range.lua" } }))
check.eq(r.counts.messages, 0, "skip-mail by its name in an array")
check.eq(r.counts.users, 4, "users with skip-mail by its name")
-- An unknown name: nil, and the names there are, as the command says them.
local none, why = ccmig.extract(po, tmp .. "-s3", { policy = { "skip-mail", "skip-mial" } })
check.eq(none, nil, "an unknown stock name gives nil")
check.ok(why:find("no stock policy 'skip-mial': the stock policies are ", 1, true)
	and why:find("date-range", 1, true) and why:find("such as ./skip-mial.lua", 1, true),
	"the message lists the stock policies: " .. tostring(why))
-- A name with ".lua" or a "/" is a file, as always.
none, why = ccmig.extract(po, tmp .. "-s4", { policy = "skip-mail.lua" })
check.eq(none, nil, "skip-mail.lua is a file of the current folder")
check.ok(not why:find("no stock policy", 1, true), "not looked up as a name: " .. tostring(why))

-- A policy that cannot load: nil and a message naming it.
local bad = tmp .. "-bad.lua"
local f = assert(io.open(bad, "w"))
f:write("return { user = function( end }\n")
f:close()
local ok, msg = ccmig.extract(po, tmp .. "-c", { policy = bad })
check.eq(ok, nil, "a broken policy gives nil")
check.ok(msg:find("bad.lua", 1, true), "the message names the policy: " .. tostring(msg))

-- A policy given as a table of functions, from a trusted script.
local seen = 0
r = assert(ccmig.extract(po, tmp .. "-d", { policy = {
	user = function(u) if u.name == "Doe, Jane" then return false end return true end,
	message = function(m, user)
		seen = seen + 1
		return m.subject ~= "[draft] plan"
	end,
} }))
check.eq(r.counts.users, 3, "users with a policy table")
check.eq(seen, 6, "the message hook saw every message")
check.eq(r.counts.messages, 5, "messages with a policy table")

-- An error in a table hook leaves out the users it failed for, reported.
r = assert(ccmig.extract(po, tmp .. "-e", { policy = {
	message = function(m) error("no messages today") end,
} }))
check.eq(r.counts.users, 2, "users whose hook did not fail (they have no mail)")
local failed = 0
for _, e in ipairs(r.events) do
	if e.kind == "policy-failed" then
		failed = failed + 1
		check.ok(e.text:find("no messages today", 1, true), "the event says why: " .. e.text)
	end
end
check.eq(failed, 3, "two users and the boards left out")

-- folder and address hooks from a table.
r = assert(ccmig.extract(po, tmp .. "-f", { policy = {
	folder = function(name, user)
		if name == "Sent Items" then return false end     -- Smith's sent copy
		if name:match("^Projects") then return "Archive\\" .. name end
		return name
	end,
	address = function(a)
		if a.kind == "user" and a.name == "Doe, Jane" then
			return "SMTP:jane@example.com"
		end
	end,
} }))
check.eq(r.counts.messages, 5, "the Sent Items message left out by folder()")
local f = assert(io.open(tmp .. "-f/00000001.pri", "rb"))
local pri = f:read("a")
f:close()
check.ok(pri:find('"Archive\\Projects\\1999"', 1, true), "folder renamed")
check.ok(pri:find("Jane Doe [SMTP:jane@example.com]", 1, true), "address mapped")

-- custom_recipient from a table, at import: none of the candidates.
local dir = check.tmpdir()
local st = assert(ccmig.store(dir .. "/s.db"))
assert(st:dirsync(po))
local asked = {}
r = assert(ccmig.migrate(po, st, { policy = {
	custom_recipient = function(u, candidates)
		asked[#asked + 1] = u.name .. ":" .. #candidates
		if u.name == "Doe, Jane" then return false end   -- a new mailbox
		return candidates[1]
	end,
} }))
check.ok(#asked > 0, "custom_recipient was asked")
-- Doe: the policy chose none, so her custom recipient stays as it was and
-- a new mailbox is made beside it.
local kinds = {}
for _, r in ipairs(st:recipients{}) do
	if r.display_name == "Jane Doe" then kinds[#kinds + 1] = r.kind end
end
table.sort(kinds)
check.eq(table.concat(kinds, ","), "custom,mailbox", "Doe: custom recipient kept, mailbox made")
local smith = assert(st:recipient("CCMAIL:Smith, John at SALESPO"))
check.eq(smith.kind, "mailbox", "Smith's custom recipient became the mailbox")
st:close()

po:close()
check.done()
