-- big-attachments.lua: leave out attachments larger than max_mb megabytes
-- (of 1,048,576 bytes), keeping a note in the message in the place of each:
-- "[attachment 'report.pdf' (12.4 MB) was removed by policy
-- 'big-attachments.lua']". Forwarded messages count as attachments. The
-- message itself, and every smaller attachment, is migrated.
--   --policy scripts/policies/big-attachments.lua --policy-arg max_mb=5
local args = ...

local max_mb = tonumber(args.max_mb or "5")
if not max_mb or max_mb < 0 then
	error("max_mb=" .. tostring(args.max_mb) .. " is not a number of megabytes", 0)
end
local limit = max_mb * 1048576

return {
	message = function(m, user, u)
		local drop = {}
		for _, a in ipairs(m.attachments) do
			if a.size > limit then drop[#drop + 1] = a.index end
		end
		if #drop == 0 then return true end
		return { drop_attachments = drop }
	end,
}
