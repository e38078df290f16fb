-- preflight.lua: what would a migration policy leave out? Runs the
-- extraction into a temporary folder with the policies, every hook on
-- every user and message as migrate would, and lists, user by user, the
-- users and messages they would skip; migrates nothing. A hook that
-- raises an error makes it fail (status 1), each error said once with
-- its place and the users it would cost.
--
--   ccmig run scripts/bulk/preflight.lua PO_DIR POLICY.lua [NAME=VALUE ...]
local po_dir = arg[1]
local policies, args = {}, {}
for i = 2, #arg do
	local k, v = arg[i]:match("^([%w_]+)=(.*)$")
	if k then args[k] = v else policies[#policies + 1] = arg[i] end
end
if not po_dir or #policies == 0 then
	io.stderr:write("usage: ccmig run preflight.lua PO_DIR POLICY.lua [NAME=VALUE ...]\n")
	os.exit(2)
end

local po = assert(ccmig.open(po_dir))
local p = assert(io.popen("mktemp -d \"${TMPDIR:-/tmp}/ccmig-preflight-XXXXXX\""))
local tmp = p:read("l")
p:close()
local r, err = ccmig.extract(po, tmp .. "/set", { policy = policies, policy_args = args })
os.execute("rm -rf '" .. tmp .. "'")
if not r then
	io.stderr:write("the policy cannot run: " .. tostring(err) .. "\n")
	os.exit(2)
end

-- A hook that raises an error is the policy's failure, not a decision:
-- each distinct error is said once, with its place (script, line, hook)
-- and the users it cost, and the run ends with status 1.
local users, per_user, failures, failed_order = {}, {}, {}, {}
for _, e in ipairs(r.events) do
	if e.kind == "user-skipped-by-policy" then
		users[#users + 1] = e.user
	elseif e.kind == "message-skipped-by-policy" then
		per_user[e.user] = (per_user[e.user] or 0) + 1
	elseif e.kind == "policy-failed" or e.kind == "policy-bad-folder" then
		local what = (e.text or ""):gsub("; user '.*$", ""):gsub("; the bulletin boards.*$", "")
		what = what:gsub("^message %d+: ", "")
		if not failures[what] then
			failures[what] = {}
			failed_order[#failed_order + 1] = what
		end
		local f = failures[what]
		local who = e.user or "the bulletin boards"
		if not f[who] then
			f[who] = true
			f[#f + 1] = who
		end
	end
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
if #failed_order > 0 then
	io.stderr:write(("The policy fails (%d distinct error%s); a migration with it would "
		.. "leave these users out:\n"):format(#failed_order, #failed_order == 1 and "" or "s"))
	for _, what in ipairs(failed_order) do
		local f = failures[what]
		local shown = {}
		for i = 1, math.min(#f, 5) do shown[i] = f[i] end
		io.stderr:write(("  %s\n    for %d user%s: %s%s\n"):format(what, #f,
			#f == 1 and "" or "s", table.concat(shown, ", "), #f > 5 and ", ..." or ""))
	end
	os.exit(1)
end
