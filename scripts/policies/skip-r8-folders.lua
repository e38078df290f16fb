-- skip-r8-folders.lua: leave out the cc:Mail R8 client's settings folders
-- (Stationery, Preferences, Rules), which hold settings, not mail
-- (Q174255). extract skips them by default; this policy does the same
-- when --keep-r8-folders is given for other folders' sake.
local settings = { stationery = true, preferences = true, rules = true }

return {
	folder = function(name, user)
		local top = name:match("^[^\\]+") or name
		if settings[top:lower()] then return false end
		return name
	end,
}
