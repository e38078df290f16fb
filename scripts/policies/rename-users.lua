-- rename-users.lua: give users the aliases and display names a CSV file
-- says, by cc:Mail name:
--     Smith, John,jsmith,John Smith (Sales)
--   (cc:Mail name, alias, display name; a name with a comma is quoted:
--    "Smith, John",jsmith,John Smith (Sales))
--   --policy scripts/policies/rename-users.lua --policy-arg users=names.csv
local args = ...
assert(args.users, "rename-users.lua needs --policy-arg users=FILE.csv")

local rows = assert(readcsv(args.users))
local by_name = {}
for _, r in ipairs(rows) do
	by_name[r[1]:lower()] = { alias = r[2], display_name = r[3] }
end

return {
	user = function(u)
		local new = by_name[u.name:lower()]
		if new then
			return { alias = new.alias ~= "" and new.alias or nil,
				 display_name = new.display_name ~= "" and new.display_name or nil }
		end
		return true
	end,
}
