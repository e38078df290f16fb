-- test_po.lua: ccmig.open and the post office objects, on tests/data/salespo.
local check = require "check"
local ccmig = require "ccmig"
local DATA = assert(arg[1], "usage: ccmig run test_po.lua TESTS_DATA_DIR")
local PO = DATA .. "/salespo"

-- expected failures: nil, message
do
  local po, msg = ccmig.open(DATA)          -- a folder without po.txt
  check.eq(po, nil, "open of a folder without po.txt")
  check.ok(type(msg) == "string" and #msg > 0, "it says why")
end

local po = assert(ccmig.open(PO))
check.eq(po.name, "SALESPO", "name")
check.eq(po.database, 8, "database")
check.eq(po.code_page, 850, "code_page")
check.ok(tostring(po):find("SALESPO", 1, true), "__tostring")

-- the directory: 9 entries, 6 users, 4 of them local (L/R)
check.eq(#po:directory(), 9, "directory entries")
local users = po:users()
local locals = {}
for _, u in ipairs(users) do if u["local"] then locals[#locals + 1] = u.name end end
check.eq(table.concat(locals, "|"), "Smith, John|Doe, Jane|Grewal, Jeff|Müller, Jürgen",
  "local users")
local only = {}
for _, u in ipairs(po:users{local_only = true}) do only[#only + 1] = u.name end
check.eq(table.concat(only, "|"), table.concat(locals, "|"), "users{local_only = true}")

-- local time: the post office's zone (America/New_York), and any zone
-- 2000-07-01 12:00:00 UTC is 08:00 EDT (-4 h); 2000-01-15 12:00 UTC 07:00 EST
local summer = po:localtime(962452800)
check.eq(summer.year, 2000, "localtime year")
check.eq(summer.month, 7, "localtime month")
check.eq(summer.day, 1, "localtime day")
check.eq(summer.hour, 8, "localtime hour (EDT)")
check.eq(summer.offset, -4 * 3600, "localtime offset (EDT)")
check.eq(summer.zone, "America/New_York", "localtime zone")
check.eq(po:localtime(947937600).hour, 7, "localtime hour (EST)")
local tokyo = ccmig.date(962452800, "Asia/Tokyo")
check.eq(tokyo.hour, 21, "ccmig.date in Tokyo")
check.eq(tokyo.offset, 9 * 3600, "ccmig.date offset")
check.eq(ccmig.date(962452800).hour, 12, "ccmig.date without a zone is UTC")
check.eq(ccmig.date(962452800).wday, os.date("!*t", 962452800).wday, "wday as os.date")
check.eq(ccmig.date(962452800).yday, os.date("!*t", 962452800).yday, "yday as os.date")
local nz, nzwhy = ccmig.date(0, "Mars/Olympus_Mons")
check.eq(nz, nil, "unknown zone")
check.ok(nzwhy and nzwhy:find("Mars/Olympus_Mons", 1, true), "unknown zone: why")

-- every mailbox and board at once: each message knows its owner, with
-- the directory's spelling of the name; as many as user by user, plus
-- the mailbox po.txt names for someone the directory does not have
local all, owners, on_boards = 0, {}, 0
for m in po:messages() do
  all = all + 1
  owners[m.owner] = (owners[m.owner] or 0) + 1
  if m.board then on_boards = on_boards + 1 end
end
local one_by_one = 0
for _, u in ipairs(po:users()) do for _ in po:messages(u.name) do one_by_one = one_by_one + 1 end end
for _, b in ipairs(po:boards()) do for _ in po:messages("#" .. b.name) do one_by_one = one_by_one + 1 end end
check.eq(all, one_by_one + (owners["Ghost, Gary"] or 0), "po:messages() reads every file")
check.eq(owners["Smith, John"], 3, "owner in the directory's spelling")
check.eq(on_boards, 1, "board messages")
for m in po:messages("Grewal, Jeff") do check.eq(m.owner, "Grewal, Jeff", "owner of one file") end

-- the totals, as inspect counts them
local tot = assert(po:totals())
local tsum, by = 0, {}
for _, t in ipairs(tot) do tsum = tsum + t.messages; by[t.name] = t end
check.eq(tsum, tot.messages, "totals add up")
check.eq(by["Smith, John"].messages, 3, "totals of a user")
check.ok(by["Smith, John"].bytes > 0, "totals: bytes")
check.eq(by["Doe, Jane"].has_mail, false, "a user without mail")
check.eq(by["Social"].board, true, "totals of a board")

local jm = assert(po:user("müller, jürgen"))   -- any case
check.eq(jm.location, "R", "mobile user")
check.eq(jm.post_office, "SALESPO", "user's post office")
check.eq(jm.address, "Müller, Jürgen at SALESPO", "user's address")
local none, why = po:user("Nobody, Here")
check.eq(none, nil, "unknown user")
check.ok(why and why:find("Nobody", 1, true), "unknown user: why")

-- lists, address book, boards
local lists = po:lists()
check.eq(#lists, 1, "one public list")
check.eq(lists[1].name, "Sales Team", "list name")
check.eq(#lists[1].members, 3, "list members")
-- members always as canonical addresses; as written in members_raw
check.eq(lists[1].members[2], "Doe, Jane at SALESPO", "list member, canonical")
check.eq(lists[1].members_raw[2], "Doe, Jane", "list member as written")
local friends = assert(po:pab("Smith, John")).lists[1]
check.eq(friends.members[1], "Parkes, Joe at FARPO", "private list member: the entry's address")
check.eq(friends.members_raw[1], "Dad", "private list member as written")
local pab = assert(po:pab("Smith, John"))
check.ok(#pab.entries + #pab.lists > 0, "Smith's private address book")
check.eq(po:pab("Doe, Jane"), nil, "no address book: nil")
local boards = po:boards()
check.eq(#boards, 1, "one board")
check.eq(boards[1].name, "Social", "board name")
local n = 0
for m in po:messages("#Social") do n = n + 1; check.eq(type(m.subject), "string", "board subject") end
check.eq(n, 1, "board messages")

-- messages: 5 in all, attachments of 4 and 256 bytes
local total, sizes, undated = 0, {}, 0
for _, u in ipairs(users) do
  for m in po:messages(u.name) do
    total = total + 1
    check.ok(m.from and m.from.name and m.from.kind, "from is an address")
    check.ok(type(m.to) == "table" and #m.to >= 1, "to is an array")
    check.eq(type(m.cc), "table", "cc")
    check.eq(type(m.bcc), "table", "bcc")
    check.ok(type(m.to[1].post_office) == "string", "to[1].post_office")
    check.ok(type(m.date_text) == "string", "date text")
    if m.date == nil then undated = undated + 1 end
    check.ok(m.priority == "normal" or m.priority == "urgent" or m.priority == "low",
      "priority")
    for it in m:items() do
      if it.kind == "file" then
        -- reading in pieces gives the same bytes as reading it whole
        local pieces = {}
        while true do
          local piece = it:read(7)
          if not piece then break end
          check.ok(#piece <= 7, "piece size")
          pieces[#pieces + 1] = piece
        end
        sizes[#sizes + 1] = #table.concat(pieces)
        sizes[it.name] = table.concat(pieces)
      end
    end
  end
end
check.eq(total, 5, "messages")
table.sort(sizes)
check.eq(table.concat(sizes, ","), "4,256", "attachment sizes")

-- the same attachment read whole equals the pieces
for m in po:messages("Smith, John") do
  for it in m:items() do
    if it.name == "budget.wk4" then check.eq(it:read("a"), sizes["budget.wk4"], "whole = pieces") end
  end
end

-- breaking out of a loop releases the cursor; the file can be read again
for m in po:messages("Smith, John") do break end
local again = 0
for m in po:messages("Smith, John") do again = again + 1 end
check.eq(again, 3, "iterated again after a break")

-- a message expires when the loop goes on
local kept
for m in po:messages("Smith, John") do
  if not kept then kept = m; check.eq(kept.number, 1, "usable while current") end
end
check.ok(kept:expired(), "expired after the loop")
check.raises("expired", function() return kept.subject end)
check.raises("expired", function() return kept:items() end)
check.ok(tostring(kept):find("expired", 1, true), "tostring of an expired message")

-- an item expires with the next item
local first
for m in po:messages("Smith, John") do
  for it in m:items() do
    if not first then first = it else check.raises("expired", first.read, first, 1) end
  end
  break
end

-- items are walked once
for m in po:messages("Smith, John") do
  for _ in m:items() do end
  check.raises("once", m.items, m)
  break
end

-- users without mail give no messages; unknown names give nil, message
local c = 0
for _ in po:messages("Doe, Jane") do c = c + 1 end
check.eq(c, 0, "Doe, Jane has no mail")
local f, err = po:messages("Nobody, Here")
check.eq(f, nil, "messages of an unknown name")
check.ok(err and #err > 0, "unknown mailbox: why")

-- __close: a to-be-closed post office
do
  local p <close> = assert(ccmig.open(PO))
  check.eq(p.name, "SALESPO", "to-be-closed po")
end

-- closing with a cursor open: the cursor is released, use is an error
local po2 = assert(ccmig.open(PO))
local it2 = po2:messages("Smith, John")
local m1 = it2()
po2:close()
check.raises("closed", function() return po2.name end)
check.raises("expired", function() return m1.subject end)
check.raises("closed", it2)
po2:close()   -- twice is fine

-- a generated post office
local dir = check.tmpdir()
local bin = arg[-1]
check.ok(os.execute(string.format("'%s' gen '%s/gen' --users 5 --messages 3 --seed 7 >/dev/null",
  bin, dir)), "ccmig gen")
local g = assert(ccmig.open(dir .. "/gen"))
local gl, gm = 0, 0
for _, u in ipairs(g:users()) do
  if u["local"] then
    gl = gl + 1
    for m in g:messages(u.name) do
      gm = gm + 1
      for it in m:items() do
        local bytes = 0
        repeat local p = it:read(4096); bytes = bytes + (p and #p or 0) until not p
        if it.size then check.eq(bytes, it.size, "generated item size") end
      end
    end
  end
end
check.eq(gl, 5, "generated users")
check.ok(gm > 0, "generated messages")
-- has_mail: false when the mail file holds no message (emptied here)
local emptied
for _, u in ipairs(g:users()) do
  if u.has_mail and not emptied then emptied = u.name end
end
g:close()
local pof = assert(io.open(dir .. "/gen/po.txt")):read("a")
local file
for line in pof:gmatch("[^\r\n]+") do
  local n, f = line:match("^Mailbox:%s*(.-)%s*=%s*(.-)%s*$")
  if n and n:lower() == emptied:lower() then file = f end
end
check.ok(file, "the emptied user's mail file in po.txt")
assert(io.open(dir .. "/gen/" .. file:gsub("\\", "/"), "wb")):close()
g = assert(ccmig.open(dir .. "/gen"))
for _, u in ipairs(g:users()) do
  if u.name == emptied then check.eq(u.has_mail, false, "has_mail of an empty mail file") end
end
check.eq(assert(g:user(emptied)).has_mail, false, "has_mail, asked again")
g:close()

-- Reading the mail again reports the same events again: po:problems()
-- keeps each once.
do
  local again = assert(ccmig.open(PO))
  for _ in again:messages() do end
  local once = #again:problems()
  for _ in again:messages() do end
  for _ in again:messages("Smith, John") do end
  check.eq(#again:problems(), once, "po:problems() keeps each event once")
  local kinds = {}
  for _, e in ipairs(again:problems()) do kinds[e.kind] = (kinds[e.kind] or 0) + 1 end
  check.eq(kinds["unknown-header"], 1, "one unknown header, read three times")
  again:close()
end

check.done()
