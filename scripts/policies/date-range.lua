-- date-range.lua: migrate only mail dated in a range (UTC days), keeping
-- undated messages (they cannot be placed, and dropping them silently
-- would lose them).
--   --policy scripts/policies/date-range.lua --policy-arg since=1998-01-01
--   --policy-arg until=2001-01-01        (until is not included)
local args = ...

-- Days since 1970-01-01 of a Gregorian date (Howard Hinnant's algorithm):
-- exact, and free of the machine's time zone.
local function days_from_civil(y, m, d)
	if m <= 2 then y = y - 1 end
	local era = (y >= 0 and y or y - 399) // 400
	local yoe = y - era * 400
	local doy = (153 * (m > 2 and m - 3 or m + 9) + 2) // 5 + d - 1
	local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
	return era * 146097 + doe - 719468
end

local function day(text, name)
	if not text then return nil end
	local y, m, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
	if not y then
		error(name .. "=" .. text .. " is not a date YYYY-MM-DD", 0)
	end
	return days_from_civil(tonumber(y), tonumber(m), tonumber(d)) * 86400
end

local since, till = day(args.since, "since"), day(args["until"], "until")

return {
	message = function(m, user)
		if not m.date then return true end
		if since and m.date < since then return false end
		if till and m.date >= till then return false end
		return true
	end,
}
