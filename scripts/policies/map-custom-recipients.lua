-- map-custom-recipients.lua: tell the import which existing custom
-- recipient becomes each user's mailbox, and give users their SMTP
-- addresses, from a CSV file with one line per user:
--     cc:Mail name, alias of the custom recipient, SMTP address
--     "Smith, John",jsmith-old,john.smith@example.com
-- Either of the last two may be empty. Use it on migrate (or on both
-- extract and import):
--   --policy scripts/policies/map-custom-recipients.lua --policy-arg map=users.csv
local args = ...
assert(args.map, "map-custom-recipients.lua needs --policy-arg map=FILE.csv")

local by_name = {}
for _, r in ipairs(assert(readcsv(args.map))) do
	by_name[(r[1] or ""):lower()] = { alias = r[2] or "", smtp = r[3] or "" }
end

return {
	-- The custom recipient named in the file, by its alias; nil lets the
	-- import do as it would (the one holding the user's address).
	custom_recipient = function(u, candidates)
		local m = by_name[u.name:lower()]
		if m and m.alias ~= "" then return m.alias end
		return nil
	end,

	-- Senders and recipients who are users in the file get their SMTP address.
	address = function(a)
		if a.kind ~= "user" then return nil end
		local m = by_name[a.name:lower()]
		if m and m.smtp ~= "" then return "SMTP:" .. m.smtp end
		return nil
	end,
}
