-- big-attachments.lua: leave out attachments larger than max_mb megabytes
-- (of 1,048,576 bytes), at any depth, keeping a note in the place of each:
-- "[attachment 'report.pdf' (12.4 MB) was removed by policy
-- 'big-attachments.lua']". A forwarded message stays, and its own big
-- attachments are left out the same way (the note then stands in the
-- forwarded message's body); one that cannot be looked into (nested too
-- deep) counts as an attachment of its size. The message itself, and
-- every smaller attachment, is migrated.
--   --policy scripts/policies/big-attachments.lua --policy-arg max_mb=5
local args = ...

local max_mb = tonumber(args.max_mb or "5")
if not max_mb or max_mb < 0 then
	error("max_mb=" .. tostring(args.max_mb) .. " is not a number of megabytes", 0)
end
local limit = max_mb * 1048576

-- The paths of the attachments over the limit, in a list of them and in
-- the forwarded messages among them.
local function big(attachments, drop)
	for _, a in ipairs(attachments) do
		if a.message then
			big(a.message.attachments, drop)
		elseif a.size > limit then
			drop[#drop + 1] = a.path
		end
	end
	return drop
end

return {
	message = function(m, user, u)
		local drop = big(m.attachments, {})
		if #drop == 0 then return true end
		return { drop_attachments = drop }
	end,
}
