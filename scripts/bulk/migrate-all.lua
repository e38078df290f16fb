-- migrate-all.lua: migrate every post office bundle under a folder into
-- one store, with a report per post office and a summary at the end.
--
--   ccmig run scripts/bulk/migrate-all.lua BUNDLES_DIR STORE.db [POLICY.lua ...]
--
-- Each subfolder holding a po.txt is one bundle. Its report goes to
-- BUNDLES_DIR/<folder>-report.txt: counts, then every event. The exit
-- status is 0 when everything migrated, 1 when something was skipped or
-- repaired (see the reports), 2 when a post office could not be migrated.
local dir, db = arg[1], arg[2]
if not dir or not db then
	io.stderr:write("usage: ccmig run migrate-all.lua BUNDLES_DIR STORE.db [POLICY.lua ...]\n")
	os.exit(2)
end
local policies = {}
for i = 3, #arg do policies[#policies + 1] = arg[i] end

-- The bundles: subfolders with a po.txt, in name order.
local bundles = {}
local ls = assert(io.popen("ls -1 '" .. dir:gsub("'", "'\\''") .. "'"))
for name in ls:lines() do
	local f = io.open(dir .. "/" .. name .. "/po.txt")
	if f then
		f:close()
		bundles[#bundles + 1] = name
	end
end
ls:close()
if #bundles == 0 then
	io.stderr:write("no post office bundle (a folder with po.txt) under " .. dir .. "\n")
	os.exit(2)
end

local store = assert(ccmig.store(db))
local total = { users = 0, messages = 0, attachments = 0, errors = 0, warnings = 0 }
local status = 0

local function write_report(path, name, r)
	local f = assert(io.open(path, "w"))
	f:write(("Post office %s\n\n"):format(name))
	for k, v in pairs(r.counts or {}) do
		if type(v) ~= "table" then f:write(("%-24s %s\n"):format(k, tostring(v))) end
	end
	f:write("\n")
	for _, e in ipairs(r.events or {}) do
		f:write(("%s:%s (byte %s): %s: %s [%s]\n"):format(e.file or "-", e.line or 0,
			e.offset or -1, e.severity, e.text, e.kind or ""))
	end
	f:close()
end

for _, name in ipairs(bundles) do
	local started = os.clock()
	local po, err = ccmig.open(dir .. "/" .. name)
	if not po then
		print(("%-20s NOT MIGRATED: %s"):format(name, err))
		status = 2
	else
		local r, merr, partial = ccmig.migrate(po, store, { policy = policies })
		r = r or partial or { counts = {}, events = {} }
		write_report(dir .. "/" .. name .. "-report.txt", po.name, r)
		if merr then
			print(("%-20s NOT MIGRATED: %s"):format(name, merr))
			status = 2
		else
			local c = r.counts
			total.users = total.users + (c.extract and c.extract.users or 0)
			total.messages = total.messages + (c.messages or 0)
			total.attachments = total.attachments + (c.attachments or 0)
			total.errors = total.errors + (r.errors or 0)
			total.warnings = total.warnings + (r.warnings or 0)
			if (r.errors or 0) + (r.warnings or 0) > 0 and status == 0 then status = 1 end
			print(("%-20s %5d users %8d messages %6d attachments  %d errors, %d warnings  %.1fs"):format(
				po.name, c.extract and c.extract.users or 0, c.messages or 0,
				c.attachments or 0, r.errors or 0, r.warnings or 0, os.clock() - started))
		end
		po:close()
	end
end
store:close()
print(("\n%d post offices: %d users, %d messages, %d attachments; %d errors, %d warnings"):format(
	#bundles, total.users, total.messages, total.attachments, total.errors, total.warnings))
print("Reports: " .. dir .. "/<post office>-report.txt")
os.exit(status)
