-- preflight.lua: what would a migration policy leave out? Runs the
-- extraction into a temporary folder with the policies and lists, user by
-- user, the users and messages they would skip; migrates nothing.
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

local users, per_user = {}, {}
for _, e in ipairs(r.events) do
	if e.kind == "user-skipped-by-policy" then
		users[#users + 1] = e.user
	elseif e.kind == "message-skipped-by-policy" then
		per_user[e.user] = (per_user[e.user] or 0) + 1
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
