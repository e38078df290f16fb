-- preflight.lua: what would a migration policy leave out? ccmig.preflight
-- runs the extraction into a temporary folder with the policies, every
-- hook on every user and message as migrate would; this lists, user by
-- user, the users and messages they would skip; it migrates nothing. A
-- hook that raises an error makes it fail (status 1), each error said
-- once with its place and the users it would cost.
--
--   ccmig run scripts/bulk/preflight.lua PO_DIR POLICY [NAME=VALUE ...]
-- (POLICY: a file, or a stock policy's name such as date-range)
local po_dir = arg[1]
local policies, args = {}, {}
for i = 2, #arg do
	local k, v = arg[i]:match("^([%w_]+)=(.*)$")
	if k then args[k] = v else policies[#policies + 1] = arg[i] end
end
if not po_dir or #policies == 0 then
	io.stderr:write("usage: ccmig run preflight.lua PO_DIR POLICY [NAME=VALUE ...]\n")
	os.exit(2)
end

local po = assert(ccmig.open(po_dir))
-- Stock policies by name ("date-range") or files, as --policy takes them.
local r, err = ccmig.preflight(po, { policy = policies, policy_args = args })
if not r then
	io.stderr:write("the policy cannot run: " .. tostring(err) .. "\n")
	os.exit(2)
end

local users, per_user = {}, {}
for _, u in ipairs(r.left_out_users) do users[#users + 1] = u.name end
for _, m in ipairs(r.left_out) do
	if m.why:match("^policy") then per_user[m.user] = (per_user[m.user] or 0) + 1 end
end
print(("Post office %s with %s:"):format(po.name, table.concat(policies, ", ")))
print(("  %d users would be migrated, %d left out"):format(r.counts.users, #users))
for _, u in ipairs(users) do print("    left out: " .. u) end
local names = {}
for u in pairs(per_user) do names[#names + 1] = u end
table.sort(names)
print(("  %d messages would be migrated; left out by the policy:"):format(r.counts.messages))
for _, u in ipairs(names) do print(("    %-32s %6d messages"):format(u, per_user[u])) end
po:close()
-- A hook that raises an error is the policy's failure, not a decision:
-- each distinct error is said once, with its place (script, line, hook)
-- and the users it cost, and the run ends with status 1.
if not r.ok then
	io.stderr:write(("The policy fails (%d distinct error%s); a migration with it would "
		.. "leave these users out:\n"):format(#r.failures, #r.failures == 1 and "" or "s"))
	for _, f in ipairs(r.failures) do
		local who = { table.unpack(f.users) }
		if f.boards then who[#who + 1] = "the bulletin boards" end
		local shown = { table.unpack(who, 1, math.min(#who, 5)) }
		io.stderr:write(("  %s\n    for %d user%s: %s%s\n"):format(f.text, #who,
			#who == 1 and "" or "s", table.concat(shown, ", "), #who > 5 and ", ..." or ""))
	end
	os.exit(1)
end
